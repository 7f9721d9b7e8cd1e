/**
 * Memory cases: what a structure costs to keep, in bytes, after full collections. Run in a process started with
 * `--expose-gc` (see `run.ts`), so that every figure is taken on a heap holding only what is still reachable.
 */
import { compileProfile, Monitor, type RulesInput } from '@safety-net/behavioral-verification';
import { EctDag, fixedClock } from '@safety-net/core';
import { workflow } from './dag.js';

/** The measured size of one memory case, as written to results.json. */
export interface MemoryResult {
  /** The figure: bytes per `per`. */
  readonly bytes: number;
  /** What `bytes` is counted per (a node, a monitor, the whole run). */
  readonly per: string;
  /** How many were alive when measured. */
  readonly count: number;
  /** Heap and off-heap (external, array buffers included) parts of the figure, or the heap part of an RSS one. */
  readonly heap_bytes: number;
  readonly external_bytes: number;
  /** The most `bytes` may be, or null when reported for information. */
  readonly target: number | null;
  readonly met: boolean | null;
}

/** Full collections until the heap stops shrinking (weak references and finalizers may free more on a second). */
function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('memory cases need node --expose-gc (run them through bench/run.ts)');
  gc();
  gc();
}

interface Usage {
  readonly heap: number;
  readonly external: number;
  readonly rss: number;
}

function usage(): Usage {
  collect();
  const m = process.memoryUsage();
  // `external` already counts `arrayBuffers`.
  return { heap: m.heapUsed, external: m.external, rss: m.rss };
}

function perItem(before: Usage, after: Usage, count: number, per: string, target: number | null): MemoryResult {
  const heap = (after.heap - before.heap) / count;
  const external = (after.external - before.external) / count;
  const bytes = heap + external;
  return {
    bytes,
    per,
    count,
    heap_bytes: heap,
    external_bytes: external,
    target,
    met: target === null ? null : bytes <= target,
  };
}

const DAG_NODES = 1_000_000;

/**
 * Bytes per node of an EctDag of one workflow of 1,000,000 tasks (the insert benchmark's shape). The input is made,
 * inserted and dropped before the second reading, so the figure is what the DAG keeps: its nodes, indexes and the
 * id strings it holds (fresh per task, as decoded from the wire; issuer, workflow and action are one string each).
 */
function dagNode(): MemoryResult {
  const before = usage();
  let input = workflow(DAG_NODES, 1);
  const dag = new EctDag();
  for (const node of input) dag.insert(node);
  input = [];
  const after = usage();
  if (dag.size !== DAG_NODES || input.length !== 0) throw new Error('benchmark setup: DAG size');
  return perItem(before, after, DAG_NODES, 'node', null);
}

/** The stateful worst case of a 100-rule profile: 50 rate and 50 budget rules, each on an action of its own. */
export const WINDOW_RULES: RulesInput = {
  actions: { unlisted: 'allow' },
  rates: Array.from({ length: 50 }, (_, i) => ({ id: `rate-${i}`, action: `tool.${i}`, max: 100, window_ms: 60_000 })),
  budgets: Array.from({ length: 50 }, (_, i) => ({
    id: `budget-${i}`,
    action: `tool.${i}`,
    param: 'cost',
    max: '1000000',
    window_ms: 60_000,
  })),
};

const IDLE_MONITORS = 10_000;
/** The per-agent cost the spec promises for an idle monitor. */
const IDLE_TARGET = 4096;

/** Bytes per idle monitor (no observation yet) on one shared compiled 100-rule profile, over 10,000 monitors. */
function monitorIdle(): MemoryResult {
  const profile = compileProfile(WINDOW_RULES);
  const clock = fixedClock(0);
  const monitors: Monitor[] = new Array(IDLE_MONITORS);
  const before = usage();
  for (let i = 0; i < IDLE_MONITORS; i++) monitors[i] = new Monitor(profile, { clock });
  const after = usage();
  if (monitors.some((m) => !(m instanceof Monitor))) throw new Error('benchmark setup: monitors');
  return perItem(before, after, IDLE_MONITORS, 'monitor', IDLE_TARGET);
}

const AGENTS = 100_000;
const OBSERVATIONS = 1_000_000;

/**
 * Growth of the process's resident set after 1,000,000 allowed observations spread over 100,000 agents (one monitor
 * each, sharing the compiled profile): 10 per agent, round-robin, 1 ms apart on the injected clock, each touching
 * one rate and one budget rule of the 100 (the agent's tool cycles over 3 of them). The figure is the whole run's
 * RSS growth after full collections: monitors, the windows their observations made, the tasks they remember.
 */
function monitorMillion(): MemoryResult {
  const profile = compileProfile(WINDOW_RULES);
  const clock = fixedClock(1_767_225_600_000);
  const monitors: Monitor[] = new Array(AGENTS);
  const before = usage();
  for (let a = 0; a < AGENTS; a++) monitors[a] = new Monitor(profile, { clock });
  for (let k = 0; k < OBSERVATIONS; k++) {
    const a = k % AGENTS;
    const round = (k - a) / AGENTS;
    clock.advance(1);
    const verdict = monitors[a]!.evaluate({
      jti: `${a}-${round}`,
      wid: `wf-${a}`,
      iss: `agent-${a}`,
      exec_act: `tool.${(a + (round % 3)) % 50}`,
      pred: [],
      time_ms: 0,
      params: { cost: 1 + (k % 100) },
    });
    if (verdict.decision !== 'allow') throw new Error(`benchmark setup: ${JSON.stringify(verdict)}`);
  }
  const after = usage();
  // Read after the reading, so the monitors are still reachable when it is taken.
  if (monitors.some((m) => !(m instanceof Monitor))) throw new Error('benchmark setup: monitors');
  const heap = after.heap - before.heap;
  const rss = after.rss - before.rss;
  return {
    bytes: rss,
    per: `run (${OBSERVATIONS} observations, ${AGENTS} agents)`,
    count: 1,
    heap_bytes: heap,
    external_bytes: after.external - before.external,
    target: null,
    met: null,
  };
}

/**
 * The memory cases, each a benchmark group of its own: a fresh process per case, so that no case measures heap pages
 * another one freed but the process kept (the resident set never shrinks back after the million-node DAG).
 */
export const MEMORY_GROUPS: Readonly<
  Record<string, (selected: (c: { name: string }) => boolean) => Promise<Record<string, MemoryResult>>>
> = Object.fromEntries(
  Object.entries({
    'mem.dag.node': dagNode,
    'mem.monitor.idle': monitorIdle,
    'mem.monitor.1m_obs': monitorMillion,
  }).map(([name, measure]) => [
    name,
    async (selected: (c: { name: string }) => boolean) => {
      if (!selected({ name })) return {};
      console.error(`measuring memory: ${name}`);
      return { [name]: measure() };
    },
  ]),
);

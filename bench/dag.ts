/**
 * DAG insert cases: validated inserts per second while one fresh workflow is built to 100 000 and to 1 000 000
 * tasks. The per-insert rate at 1m against 100k shows whether inserts stay O(predecessors) as the DAG grows.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type DagNodeInput, EctDag } from '@safety-net/core';
import { type CaseResult, fullGc, type RoundTime, summarize, timeRound } from './harness.js';

const NOW = 1_767_225_600;
const WID = 'wf-bench';

/** A small deterministic PRNG (mulberry32): the workload's shape, not anything cryptographic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A UUID-shaped task id for task `i`; a fresh string on every call, as ids decoded from the wire are. */
function taskId(i: number): string {
  return `6f1c2a7e-0b3d-4c5e-8f90-${i.toString(16).padStart(12, '0')}`;
}

/**
 * A workflow of `n` tasks in a valid insertion order: one root, then 70 % chain steps (the previous task), 15 %
 * branches off one of the last 8 tasks (fan-out), 15 % joins of 2–3 of the last 16 tasks (fan-in). `iat` rises by
 * one second every 100 tasks.
 */
export function workflow(n: number, seed = 1): DagNodeInput[] {
  const random = prng(seed);
  const nodes: DagNodeInput[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const pred: string[] = [];
    if (i > 0) {
      const r = random();
      if (r < 0.7 || i < 3) pred.push(taskId(i - 1));
      else if (r < 0.85) pred.push(taskId(i - 1 - Math.floor(random() * Math.min(8, i))));
      else {
        const want = random() < 0.5 ? 2 : 3;
        const window = Math.min(16, i);
        const picked = new Set<number>();
        while (picked.size < want) picked.add(i - 1 - Math.floor(random() * window));
        for (const p of picked) pred.push(taskId(p));
      }
    }
    nodes[i] = {
      jti: taskId(i),
      wid: WID,
      iat: NOW + Math.floor(i / 100),
      iss: 'spiffe://example.org/agent/worker',
      exec_act: 'step.run',
      pred,
    };
  }
  return nodes;
}

/**
 * Inserts every node into a fresh DAG, timed. Each input node is dropped once inserted, as a verifier drops a token
 * once its task is in the DAG: the build's collections then mark the DAG and what is still to come, not the tasks
 * already consumed (what the DAG keeps of them, id strings included, stays reachable through the DAG).
 */
async function build(nodes: (DagNodeInput | undefined)[]): Promise<RoundTime> {
  const n = nodes.length;
  const dag = new EctDag();
  const { result: size, ...time } = await timeRound(() => {
    for (let i = 0; i < n; i++) {
      dag.insert(nodes[i]!);
      nodes[i] = undefined;
    }
    return dag.size;
  });
  if (size !== n) throw new Error(`benchmark setup: DAG holds ${size} of ${n} tasks`);
  return time;
}

/**
 * Pause after each full collection. V8 sweeps the freed pages on helper threads after the collection returns;
 * after a 1m build that takes a while, and a build started at once shares the two cores with the sweepers (the
 * first 100k build after each 1m build ran at 0.6 × the others). 100 ms removed that; 200 leaves a margin.
 */
const SETTLE_MS = 200;

/** The cases: a workflow of `n` tasks, built `perRound` times per round. */
export const DAG_CASES = [
  { name: 'ect.dag.insert.100k', n: 100_000, perRound: 3 },
  { name: 'ect.dag.insert.1m', n: 1_000_000, perRound: 1 },
] as const;

/** Rounds of (100k, 100k, 100k, 1m) per process (`run.ts` runs the group in several). */
const ROUNDS = 3;

/**
 * Runs the DAG cases that `selected` accepts: one untimed warm-up build of each size, then {@link ROUNDS} rounds of
 * (100k, 100k, 100k, 1m), so both sizes are measured throughout the run. Each build gets its input generated just
 * before it (untimed), then a full collection and a settling pause; the build drops each input node once inserted.
 */
export async function dagCases(selected: (c: { name: string }) => boolean): Promise<Record<string, CaseResult>> {
  const sizes = DAG_CASES.filter(selected);
  if (sizes.length === 0) return {};
  console.error(`measuring DAG inserts: ${sizes.map((s) => s.name).join(', ')}`);
  const timedBuild = async (n: number, seed: number): Promise<RoundTime> => {
    const input = workflow(n, seed);
    fullGc();
    await sleep(SETTLE_MS);
    return build(input);
  };
  // A warm-up build of each size: in one full run the first round's 100k builds, the only ones not preceded by a 1m
  // build, ran at 0.7–0.95 × the later rounds' in every process.
  for (const s of sizes) await timedBuild(s.n, 2);
  const rounds: RoundTime[][] = sizes.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, s] of sizes.entries()) {
      for (let k = 0; k < s.perRound; k++) rounds[i]!.push(await timedBuild(s.n, 1));
    }
  }
  return Object.fromEntries(sizes.map((s, i) => [s.name, summarize(rounds[i]!, s.n)]));
}

/**
 * Override-protocol cases. `override.signal.verify`: what an agent's guard does with a received signal before it
 * applies it — COSE verification under the policy's operator keys, the action digest, and the authority check —
 * against `cose.sign1.ed25519.verify`. `override.halt.http.N`: one Emergency stop issued by a control plane and
 * pushed over loopback HTTP to N agents (real guards behind their override endpoints on node:http), timed from
 * `issue` until every agent has halted and its acknowledgement is verified and stored; reported as rates and as
 * p50 / p99 latencies.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { getRequestListener } from '@hono/node-server';
import { fixedClock, type PublicKey, publicKeyOf } from '@safety-net/core';
import {
  acknowledgement,
  authorityPolicy,
  authorizeSignal,
  checkActionDigest,
  HeldPolicy,
  MemoryControllerStore,
  MemoryStateStore,
  OVERRIDE_PATH,
  OverrideController,
  OverrideGuard,
  overrideEndpoint,
  overrideSignal,
  Revocations,
  verifySignal,
} from '@safety-net/override-protocol';
import {
  SAMPLE_CTL,
  SAMPLE_KEYS,
  SAMPLE_NOW,
  sampleKey,
  samplePolicyClaims,
  sampleSignalClaims,
} from '@safety-net/override-protocol/testing';
import { type CaseResult, type RoundTime, summarize } from './harness.js';
import type { BenchGroup } from './signing.js';

const clock = fixedClock(SAMPLE_NOW * 1000);
const POLICY = authorityPolicy.sign(samplePolicyClaims, SAMPLE_KEYS.authority);

/** The guard's pipeline for one received signal, up to the decision to apply it (spec §8.2 steps 1, 3, 4). */
export function overrideVerifyGroup(): BenchGroup {
  const policy = new HeldPolicy(samplePolicyClaims, POLICY);
  const revocations = new Revocations();
  // 512 distinct signals, twice the 256 verified signatures a process remembers: every operation checks its signature,
  // as a guard does for each signal it is sent (the remembering only spares guards sharing a process the same one).
  const signals = Array.from({ length: 512 }, (_, i) =>
    overrideSignal.sign({ ...sampleSignalClaims, jti: `${sampleSignalClaims.jti}-${i}` }, SAMPLE_KEYS.safetyOfficer),
  );
  let next = 0;
  const pipeline = () => {
    const bytes = signals[next++ % signals.length]!;
    const { claims, signers } = verifySignal(bytes, policy, clock);
    checkActionDigest(claims);
    return authorizeSignal(claims, signers, { policy, revocations, now: SAMPLE_NOW });
  };
  if (pipeline().operators[0] !== 'mailto:olu@example.org') throw new Error('bench signal is not authorised');
  return {
    title: 'override signal verification',
    cases: [{ name: 'override.signal.verify', run: pipeline, async: false }],
  };
}

/** A latency case: the harness's rate summary plus the median and 99th percentile of the halts, in ms. */
export type LatencyResult = CaseResult & { readonly p50_ms: number; readonly p99_ms: number };

/**
 * `apart`: the agents are served by a child process, as they would run apart from their control plane; the cases
 * without it keep controller and agents in one process, where every agent's verification and signing shares the
 * controller's thread.
 */
const HALT_CASES = [
  { name: 'override.halt.http.1', agents: 1, rounds: 300, apart: false },
  { name: 'override.halt.http.10', agents: 10, rounds: 300, apart: false },
  { name: 'override.halt.http.100', agents: 100, rounds: 200, apart: false },
  { name: 'override.halt.http.apart.1', agents: 1, rounds: 300, apart: true },
  { name: 'override.halt.http.apart.100', agents: 100, rounds: 200, apart: true },
];
const WARMUP_ROUNDS = 20;

/** Agent `i` of the ward: a guard over a memory store, its endpoint served on loopback. */
export async function servedAgent(i: number) {
  const key = sampleKey(`bench-agent-${i}`);
  const id = `spiffe://example.org/agent/bench-${i}`;
  const guard = await OverrideGuard.open({
    agent: id,
    key,
    store: new MemoryStateStore(),
    authority: publicKeyOf(SAMPLE_KEYS.authority),
    policy: POLICY,
    clock,
    domains: ['ward-3'],
  });
  const server = createServer(getRequestListener(overrideEndpoint(guard)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}${OVERRIDE_PATH}`;
  return { id, key, guard, endpoint, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Whether every agent answered `jti` with a verified acknowledgement reporting `mode` (untimed check). */
async function allReport(store: MemoryControllerStore, jti: string, keys: Map<string, PublicKey>, mode: string) {
  const acks = await store.acks(jti);
  return (
    acks.length === keys.size &&
    acks.every((a) => {
      const r = acknowledgement.verify(a.bytes, { key: keys.get(a.agent)!, clock });
      return r.ok && r.claims.state.mode === mode;
    })
  );
}

/** `count` agents served by a child process (`override-agents.ts`), on loopback: their endpoints, and the end. */
async function agentsApart(count: number) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, new URL('./override-agents.ts', import.meta.url).pathname, String(count)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const [line] = await createInterface({ input: child.stdout! })
    [Symbol.asyncIterator]()
    .next()
    .then((r) => [r.value as string]);
  const endpoints = JSON.parse(line!) as string[];
  const agents = endpoints.map((endpoint, i) => ({
    id: `spiffe://example.org/agent/bench-${i}`,
    key: sampleKey(`bench-agent-${i}`),
    endpoint,
  }));
  const close = () => new Promise<void>((r) => child.once('exit', () => r()).stdin!.end());
  return { agents, close };
}

async function measureHalt(agentCount: number, rounds: number, apart: boolean): Promise<LatencyResult> {
  const here = apart ? undefined : await Promise.all(Array.from({ length: agentCount }, (_, i) => servedAgent(i)));
  const away = apart ? await agentsApart(agentCount) : undefined;
  const agents = here ?? away!.agents;
  const keys = new Map(agents.map((a) => [a.id, publicKeyOf(a.key)]));
  const store = new MemoryControllerStore();
  const controller = new OverrideController({
    ctl: SAMPLE_CTL,
    key: SAMPLE_KEYS.ctl,
    signer: SAMPLE_KEYS.safetyOfficer,
    store,
    clock,
    skew: 0,
  });
  for (const a of agents)
    controller.registerAgent({ id: a.id, key: publicKeyOf(a.key), endpoint: a.endpoint, domains: ['ward-3'] });
  const signal = (name: 'stop' | 'release', lifts?: string[]) => ({
    iss: 'mailto:olu@example.org',
    role: 'safety_officer',
    level: name === 'stop' ? ('emergency' as const) : ('mandatory' as const),
    action: { name, params: {} },
    ...(name === 'stop' ? { category: 0 as const } : { lifts }),
    scope: { kind: 'domain' as const, target: 'ward-3', propagate: false },
    reason: 'bench',
    wid: 'wf-bench',
    pred: [],
    // Evidence is due after the run: no compliance work competes with the halts being timed.
    deadline: SAMPLE_NOW + 290,
    policy: { pid: 'ward-3', ver: 4 },
  });
  const times: RoundTime[] = [];
  for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const stop = await controller.issue(signal('stop'));
    const deliveries = await controller.acknowledged(stop.jti);
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    if (deliveries.length !== agentCount || deliveries.some((d) => d.state !== 'final'))
      throw new Error('an agent did not acknowledge the stop');
    if (here ? here.some((a) => a.guard.mode() !== 'stopped') : !(await allReport(store, stop.jti, keys, 'stopped')))
      throw new Error('an agent is not halted');
    if (round >= WARMUP_ROUNDS) times.push({ wallMs, cpuMs: (used.user + used.system) / 1000 });
    // Untimed: release the stop so that the next round halts running agents.
    const release = await controller.issue(signal('release', [stop.jti]));
    await controller.acknowledged(release.jti);
    if (here ? here.some((a) => a.guard.mode() !== 'running') : !(await allReport(store, release.jti, keys, 'running')))
      throw new Error('an agent was not released');
  }
  await controller.close();
  await (here ? Promise.all(here.map((a) => a.close())) : away!.close());
  const sorted = times.map((t) => t.wallMs).sort((a, b) => a - b);
  return { ...summarize(times, 1), p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99) };
}

/** The halt cases, each measured on its own (agents and controller made for it, closed after it). */
export async function overrideHaltCases(
  selected: (c: { name: string }) => boolean,
): Promise<Record<string, LatencyResult>> {
  const results: Record<string, LatencyResult> = {};
  for (const c of HALT_CASES.filter(selected)) {
    console.error(`measuring ${c.name}: ${c.rounds} halts of ${c.agents} agents`);
    results[c.name] = await measureHalt(c.agents, c.rounds, c.apart);
  }
  return results;
}

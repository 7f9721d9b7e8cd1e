/**
 * The workflow of the crash suite: three agents, six tasks in a chain (a0 → b1 → c2 → a3 → b4 → c5), each on its
 * own resource. Rolling back `t0` with its descendants gives six steps, two per agent. Keys are seeded so that
 * every process of a trial derives the same ones.
 */
import { EctDag, ectHash, generateKey, keySet, publicKeyOf, seededRandom, systemClock, utf8 } from '@safety-net/core';
import type { CheckpointClaims } from '../../src/messages/index.js';

export const AGENTS = ['a', 'b', 'c'] as const;
export type Agent = (typeof AGENTS)[number];
export const COORDINATOR = 'spiffe://example.org/crash/coordinator';
export const agentId = (a: Agent) => `spiffe://example.org/crash/${a}`;
export const coordinatorKey = generateKey('Ed25519', seededRandom('crash-coordinator'));
export const agentKey = (a: Agent) => ({ ...generateKey('Ed25519', seededRandom(`crash-${a}`)), kid: utf8(a) });
export const TASKS = Array.from({ length: 6 }, (_, i) => ({
  task: `t${i}`,
  agent: AGENTS[i % 3]!,
  resource: `res-${AGENTS[i % 3]}-${i}`,
}));
export const resourcesOf = (a: Agent) => TASKS.filter((t) => t.agent === a).map((t) => t.resource);
export const ROLLBACK = 'rb-crash';

/** The DAG, checkpoints and request of a trial; `iat`s are fixed in the past so every process builds the same. */
export function crashWorld() {
  const now = Math.floor(systemClock.now() / 1000);
  const dag = new EctDag();
  const checkpoints = new Map<string, CheckpointClaims>();
  let pred: string[] = [];
  for (const [i, t] of TASKS.entries()) {
    const iat = 1_772_323_200 + i;
    dag.insert({ jti: t.task, wid: 'wf-crash', iat, iss: agentId(t.agent), exec_act: `${t.agent}.do`, pred });
    pred = [t.task];
    checkpoints.set(t.task, {
      iss: agentId(t.agent),
      iat,
      jti: `ckpt-${t.task}`,
      wid: 'wf-crash',
      pred: [t.task],
      task: t.task,
      resource: t.resource,
      before: ectHash(`before ${t.task}`),
      after: ectHash(`after ${t.task}`),
      undo: { action: `${t.agent}.undo`, params: ectHash(`undo ${t.task}`) },
    });
  }
  return {
    dag,
    checkpoints: (jti: string) => checkpoints.get(jti),
    participants: keySet(AGENTS.map((a) => ({ key: publicKeyOf(agentKey(a)), issuers: [agentId(a)] }))),
    coordinators: keySet([{ key: publicKeyOf(coordinatorKey), issuers: [COORDINATOR] }]),
    request: {
      rollback: ROLLBACK,
      root_cause: 't0',
      scope: 'descendants' as const,
      known_good: [],
      reason: 'crash suite',
      // The first run fixes the request digest; later runs must send the same, so the deadline is a fixed day.
      deadline: Math.floor(now / 86_400) * 86_400 + 2 * 86_400,
    },
  };
}

/** Where a process keeps its state: `sqlite <file>` or `postgres <url> <schema>`. */
export type StoreArgs = readonly ['sqlite', string] | readonly ['postgres', string, string];

/** Kills this process with SIGKILL (no cleanup, no flush) when `point` is reached the `nth` time, per `CRASH`. */
export function crashPoint(): (point: string) => void {
  const [at, nth] = (process.env.CRASH ?? '').split(':');
  let seen = 0;
  return (point) => {
    if (point === at && ++seen === Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL');
  };
}

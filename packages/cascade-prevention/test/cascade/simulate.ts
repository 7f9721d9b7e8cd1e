/** Seeded outcome streams over synthetic workflows, for the detector's tests. */
import { gaussianStream } from '@safety-net/behavioral-verification/testing';
import { type DagNodeInput, seededRandom, uniformSource } from '@safety-net/core';
import type { OutcomeRecord } from '../../src/index.js';

export const AGENTS = ['inventory', 'shipping', 'payment', 'billing', 'notify'];

/** Healthy latency of an agent: mean 100 + 20·index ms, sd 10 ms. */
export function healthyMean(agent: string): number {
  return 100 + 20 * AGENTS.indexOf(agent);
}

export interface SimulationOptions {
  readonly seed: string;
  /** Injected faulty task: it fails, and its failure spreads to each successor with `spread` probability. */
  readonly root?: string;
  readonly spread?: number;
  /** Noise: `gaussian` (unbounded, the false-alarm measure) or `uniform` (bounded at ±√3 sd). */
  readonly noise: 'gaussian' | 'uniform';
  /** Probability that a healthy task fails anyway. */
  readonly failureRate?: number;
  readonly startAt?: number;
}

/** One record per node, in insertion order, and the set of tasks the injected fault reached. */
export function simulate(
  nodes: readonly DagNodeInput[],
  o: SimulationOptions,
): {
  records: OutcomeRecord[];
  affected: Set<string>;
} {
  const gauss = gaussianStream(o.seed);
  const uniform = uniformSource(seededRandom(`${o.seed}/uniform`));
  const affected = new Set<string>();
  const records: OutcomeRecord[] = [];
  let at = o.startAt ?? 1_767_225_600_000;
  for (const n of nodes) {
    at += 10;
    const hit = n.jti === o.root || (n.pred.some((p) => affected.has(p)) && uniform() < (o.spread ?? 0.8));
    const mean = healthyMean(n.iss);
    const noise = o.noise === 'gaussian' ? gauss() : (uniform() * 2 - 1) * Math.sqrt(3);
    const latencyMs = Math.max(0, mean + 10 * noise);
    if (hit) {
      affected.add(n.jti);
      // The root fails; what it reaches either fails too or becomes very slow.
      const fails = n.jti === o.root || uniform() < 0.5;
      records.push({ jti: n.jti, outcome: fails ? 'failure' : 'success', latencyMs: fails ? 5 : latencyMs + 600, at });
    } else if (o.failureRate !== undefined && uniform() < o.failureRate) {
      records.push({ jti: n.jti, outcome: 'timeout', latencyMs: 3000, at });
    } else {
      records.push({ jti: n.jti, outcome: 'success', latencyMs, at });
    }
  }
  return { records, affected };
}

import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL, runTelecomStampede, type StampedeFigures } from './scenario.js';

let main: StampedeFigures;
const others: StampedeFigures[] = [];

beforeAll(async () => {
  main = await runTelecomStampede({ seed: 'telecom-stampede-2026' });
  for (const seed of ['b', 'f']) others.push(await runTelecomStampede({ seed }));
});

describe('example: telecom stampede', () => {
  it('is deterministic: the same seed gives identical figures, another seed different ones', async () => {
    expect(await runTelecomStampede({ seed: 'telecom-stampede-2026' })).toEqual(main);
    expect(others[0]!.plain).not.toEqual(main.plain);
    expect(others[0]!.protected).not.toEqual(main.protected);
  });

  it('gives both runs of a seed the same workload', () => {
    for (const f of [main, ...others]) {
      expect(f.protected.diagnostic.tasks).toBe(f.plain.diagnostic.tasks);
      expect(f.protected.diagnostic.outageTasks).toBe(f.plain.diagnostic.outageTasks);
      expect(f.protected.observer.polls).toBe(f.plain.observer.polls);
      // About 10 agents × 14.5 min / 60 s tasks and 40 observers × 15 min / 10 s polls.
      expect(f.plain.diagnostic.tasks).toBeGreaterThan(100);
      expect(f.plain.observer.polls).toBeGreaterThan(3_000);
    }
  });

  it('finishes almost every diagnostic task in time behind the bulkhead, and well under two thirds without it', () => {
    // (a): the observers' load alone fills the 4 outage servers, so the shared FIFO queue grows to its 20 s timeout;
    // a diagnostic attempt waits up to 20 s, then succeeds with 0.7, and a retry after a timeout cannot finish by
    // the 30 s deadline. So the share is about P(served before the timeout) × 0.7 — measured 0.36–0.49 over eight
    // seeds. (b): 4 slots are reserved for diagnosis and the bulkhead admits at most 12 requests, so an attempt waits
    // a few seconds at most and a task gets about six attempts before its deadline: 0.3⁶ ≈ 0.0007 fail.
    for (const f of [main, ...others]) {
      expect(f.plain.diagnostic.outageShare).toBeLessThanOrEqual(0.6);
      expect(f.protected.diagnostic.outageShare).toBeGreaterThanOrEqual(0.95);
      expect(f.protected.diagnostic.outageShare - f.plain.diagnostic.outageShare).toBeGreaterThanOrEqual(0.4);
      expect(f.protected.diagnostic.share).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('stops the observers from hammering the pool: breakers trip, the bulkhead refuses, nothing times out', () => {
    for (const f of [main, ...others]) {
      expect(f.plain.pool.timedOut).toBeGreaterThan(1_000);
      expect(f.protected.pool.timedOut).toBe(0);
      expect(f.protected.observer.breakerTrips).toBeGreaterThan(MODEL.observerAgents);
      expect(f.protected.observer.refusedByBreaker).toBeGreaterThan(0);
      expect(f.protected.observer.requests).toBeLessThan(f.plain.observer.requests);
    }
  });
});

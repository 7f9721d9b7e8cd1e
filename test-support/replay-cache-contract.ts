import type { ReplayCache } from '@safety-net/core';
import { describe, expect, it } from 'vitest';

/**
 * Two handles on one shared replay cache, as two verifier instances hold them (for an in-process cache, the same
 * object twice). Each call opens a new, empty cache.
 */
export type OpenReplayCache = () => Promise<readonly [ReplayCache, ReplayCache]>;

/**
 * The contract every shipped {@link ReplayCache} meets, for `describe` blocks of any implementation: a `jti` is
 * admitted once while it is live, at any instance, however many replays race for it (`remember` is an atomic
 * check-and-set), and again once its time has passed.
 */
export function describeReplayCache(name: string, open: OpenReplayCache): void {
  describe(`replay cache contract: ${name}`, () => {
    it('admits a jti once until its expiry (inclusive), at every instance, then again after it', async () => {
      const [a, b] = await open();
      expect(await a.remember('j1', 100, 10)).toBe(true);
      expect(await a.remember('j1', 100, 50)).toBe(false);
      expect(await b.remember('j1', 200, 100)).toBe(false);
      expect(await b.remember('j1', 200, 101)).toBe(true);
      expect(await a.remember('j1', 300, 150)).toBe(false);
    });

    it('keeps distinct ids apart', async () => {
      const [a, b] = await open();
      expect(await a.remember('j1', 100, 10)).toBe(true);
      expect(await b.remember('j2', 100, 10)).toBe(true);
      expect(await a.remember('j2', 100, 10)).toBe(false);
    });

    it('admits exactly one of 100 concurrent replays of one jti, spread over two instances', async () => {
      const [a, b] = await open();
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).remember('raced', 1000, 10)),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
      expect(await a.remember('raced', 1000, 20)).toBe(false);
    });

    it('admits each of 100 distinct ids remembered concurrently', async () => {
      const [a, b] = await open();
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).remember(`id-${i}`, 1000, 10)),
      );
      expect(answers.every(Boolean)).toBe(true);
    });
  });
}

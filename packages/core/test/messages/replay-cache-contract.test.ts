import { MemoryReplayCache, type ReplayCache } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import {
  admittedOfConcurrentRemembers,
  CONCURRENT_REPLAYS,
  describeReplayCacheContract,
} from '../../../../test-support/replay-cache-contract.js';

describeReplayCacheContract('MemoryReplayCache', () => {
  const cache = new MemoryReplayCache();
  return { instance: () => cache };
});

describeReplayCacheContract('MemoryReplayCache behind an asynchronous facade', () => {
  const cache = new MemoryReplayCache();
  const facade: ReplayCache = { remember: async (...args) => cache.remember(...args) };
  return { instance: () => facade };
});

/** A cache that reads, awaits, then writes: the race the contract exists to catch. */
class ReadThenWriteCache implements ReplayCache {
  readonly #seen = new Map<string, number>();
  async remember(jti: string, expiresAt: number, now: number): Promise<boolean> {
    const until = this.#seen.get(jti);
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (until !== undefined && until >= now) return false;
    this.#seen.set(jti, expiresAt);
    return true;
  }
}

describe('the replay cache contract', () => {
  it('catches a cache whose check and set are not one atomic step', async () => {
    const cache = new ReadThenWriteCache();
    expect(await admittedOfConcurrentRemembers({ instance: () => cache })).toBe(CONCURRENT_REPLAYS);
  });
});

/**
 * The contract every replay cache must meet, as one suite that each cache runs with a factory of its own (the
 * in-memory cache in core; a cache over a shared database in its package). The heart of it is atomicity:
 * `remember` is a check-and-set, so of many concurrent replays of one token exactly one is admitted, whether they
 * reach one verifier or several verifiers sharing the store.
 */
import {
  ect,
  fixedClock,
  generateKey,
  publicKeyOf,
  type ReplayCache,
  seededRandom,
  signJws,
  verifyJws,
} from '@safety-net/core';
import { afterEach, describe, expect, it } from 'vitest';

/** One empty store under test, and the handles several verifier instances would hold on it. */
export interface ReplayCacheHarness {
  /**
   * Another verifier's handle on the same store (a new connection or pool, say); an in-process cache returns
   * itself.
   */
  instance(): ReplayCache;
  /** Releases what the store holds (connections, files); called after each test. */
  close?(): Promise<void>;
}

/** Makes a fresh, empty store for each test. */
export type ReplayCacheFactory = () => ReplayCacheHarness | Promise<ReplayCacheHarness>;

/** How many concurrent replays the atomicity checks send. */
export const CONCURRENT_REPLAYS = 100;

/** 2026-03-01T00:00:00Z, the suite's fixed time. */
const NOW_S = 1_772_323_200;
const clock = fixedClock(NOW_S * 1000);
const key = { ...generateKey('Ed25519', seededRandom('replay-cache-contract')), kid: undefined };
const pub = publicKeyOf(key);
const claims = {
  iss: 'spiffe://example.org/agent/a',
  aud: 'spiffe://example.org/agent/b',
  iat: NOW_S,
  exp: NOW_S + 300,
  jti: 'replayed-task',
  wid: 'wf-replay',
  exec_act: 'replay.test',
  pred: [],
};

/**
 * How many of `n` concurrent `remember` calls for one fresh `jti` the store admits, the calls spread over `n`
 * verifier handles. A correct cache admits exactly one.
 */
export async function admittedOfConcurrentRemembers(harness: ReplayCacheHarness, n = CONCURRENT_REPLAYS) {
  const handles = Array.from({ length: n }, () => harness.instance());
  const answers = await Promise.all(handles.map(async (cache) => cache.remember('one-jti', NOW_S + 60, NOW_S)));
  return answers.filter((accepted) => accepted === true).length;
}

/**
 * Runs the replay-cache contract against the caches `factory` makes: concurrent replays of one token (COSE and
 * JWS, through the verifiers) admit exactly one; distinct ids are all admitted; an id is held through its expiry
 * second and forgotten after it.
 *
 * @example
 * ```ts
 * describeReplayCacheContract('MemoryReplayCache', () => {
 *   const cache = new MemoryReplayCache();
 *   return { instance: () => cache };
 * });
 * ```
 */
export function describeReplayCacheContract(name: string, factory: ReplayCacheFactory): void {
  describe(`replay cache contract: ${name}`, () => {
    let open: ReplayCacheHarness | undefined;
    const fresh = async () => {
      open = await factory();
      return open;
    };
    afterEach(async () => {
      await open?.close?.();
      open = undefined;
    });

    it(`admits exactly one of ${CONCURRENT_REPLAYS} concurrent remembers of one jti`, async () => {
      expect(await admittedOfConcurrentRemembers(await fresh())).toBe(1);
    });

    it(`admits exactly one of ${CONCURRENT_REPLAYS} concurrent verifications of one COSE token`, async () => {
      const harness = await fresh();
      const bytes = ect.sign(claims, key);
      const results = await Promise.all(
        Array.from({ length: CONCURRENT_REPLAYS }, () =>
          ect.verifyAsync(bytes, { key: pub, clock, replay: harness.instance() }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(new Set(results.flatMap((r) => (r.ok ? [] : [r.error.code])))).toEqual(new Set(['ERR_CLAIMS_REPLAY']));
    });

    it(`admits exactly one of ${CONCURRENT_REPLAYS} concurrent verifications of one JWS`, async () => {
      const harness = await fresh();
      const token = await signJws(ect, claims, key);
      const results = await Promise.all(
        Array.from({ length: CONCURRENT_REPLAYS }, () =>
          verifyJws(ect, token, { key: pub, clock, replay: harness.instance() }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('admits every one of many concurrent distinct ids', async () => {
      const harness = await fresh();
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT_REPLAYS }, (_, i) => harness.instance().remember(`id-${i}`, NOW_S + 60, NOW_S)),
      );
      expect(answers.every((accepted) => accepted === true)).toBe(true);
    });

    it('holds an id through its expiry second and forgets it after', async () => {
      const cache = (await fresh()).instance();
      expect(await cache.remember('held', NOW_S + 10, NOW_S)).toBe(true);
      expect(await cache.remember('held', NOW_S + 10, NOW_S + 10)).toBe(false);
      expect(await cache.remember('held', NOW_S + 20, NOW_S + 11)).toBe(true);
      expect(await cache.remember('held', NOW_S + 20, NOW_S + 20)).toBe(false);
    });
  });
}

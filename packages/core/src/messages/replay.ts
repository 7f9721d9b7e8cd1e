import { snError } from '../errors/index.js';
import { checkInt } from '../util/input-options.js';

/**
 * Remembers token ids until they expire, so that a token is accepted once. Shared caches (several verifier
 * instances) implement the same interface over their store; `verifyAsync` awaits an asynchronous one.
 *
 * Implementations must make {@link ReplayCache.remember} one atomic check-and-set: of any number of concurrent calls
 * for one unexpired `jti`, from one verifier or from several sharing the store, exactly one returns true. A cache
 * that reads and then writes in two steps (a lookup, an await, an insert) admits a replay that arrives in between;
 * over a database, use one conditional write (e.g. `INSERT … ON CONFLICT … WHERE expired … RETURNING`).
 * `test-support/replay-cache-contract.ts` in the repository is the suite every cache must pass.
 *
 * A recorded id is spent: no cache can take it back. Callers with checks of their own after verification record it
 * last, once the message is accepted (`verifyExecutionContext` records after the DAG check, ECT spec §8.1).
 */
export interface ReplayCache {
  /**
   * Atomically records `jti` until `expiresAt` (seconds since the epoch, held through that second inclusive)
   * unless it is already recorded and unexpired at `now`. Returns true when this call recorded it, false for a
   * replay. May throw a Safety Net error to refuse for another reason (a full cache:
   * `ERR_CLAIMS_REPLAY_CACHE_FULL`; a store that cannot answer), which the verification reports.
   */
  remember(jti: string, expiresAt: number, now: number): boolean | Promise<boolean>;
}

/**
 * An in-process replay cache with a hard size bound. Expired ids are swept as new ones arrive; when the bound is
 * reached with nothing expired, the cache refuses new ids (`ERR_CLAIMS_REPLAY_CACHE_FULL`) rather than forgetting
 * live ones (an attacker must not be able to flush it). A replay is still told apart from a fresh id it cannot hold.
 */
export class MemoryReplayCache implements ReplayCache {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;
  /** No entry expires before this: a full cache is swept only once something can have expired, not on every refusal. */
  #earliest = Number.POSITIVE_INFINITY;

  /** `maxEntries` (default 1,000,000) is a whole number ≥ 1; anything else is `ERR_INPUT_INVALID`. */
  constructor(options: { maxEntries?: number } = {}) {
    // Checked: with NaN, `size >= max` is never true and the bound would be off.
    this.#maxEntries = checkInt(options.maxEntries, 'maxEntries', 1, Number.MAX_SAFE_INTEGER, 1_000_000);
  }

  remember(jti: string, expiresAt: number, now: number): boolean {
    const until = this.#seen.get(jti);
    if (until !== undefined && until >= now) return false;
    if (this.#seen.size >= this.#maxEntries && this.#earliest < now) this.#sweep(now);
    if (this.#seen.size >= this.#maxEntries)
      throw snError('ERR_CLAIMS_REPLAY_CACHE_FULL', `${this.#maxEntries} unexpired ids held`);
    this.#seen.delete(jti);
    this.#seen.set(jti, expiresAt);
    if (expiresAt < this.#earliest) this.#earliest = expiresAt;
    return true;
  }

  /** Number of ids held. */
  get size(): number {
    return this.#seen.size;
  }

  #sweep(now: number): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [jti, until] of this.#seen) {
      if (until < now) this.#seen.delete(jti);
      else if (until < earliest) earliest = until;
    }
    this.#earliest = earliest;
  }
}

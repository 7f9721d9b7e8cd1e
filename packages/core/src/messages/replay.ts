import { snError } from '../errors/index.js';

/**
 * Remembers token ids until they expire, so that a token is accepted once. Shared caches (several verifier
 * instances) implement the same interface over their store; `verifyAsync` awaits an asynchronous one.
 */
export interface ReplayCache {
  /**
   * Records `jti` until `expiresAt` (seconds since the epoch). Returns false when `jti` was already recorded and
   * has not yet expired — a replay.
   */
  remember(jti: string, expiresAt: number, now: number): boolean | Promise<boolean>;
}

/**
 * An in-process replay cache with a hard size bound. Expired ids are swept as new ones arrive; when the bound is
 * reached with nothing expired, the cache refuses new ids rather than forgetting live ones (an attacker must not be
 * able to flush it).
 */
export class MemoryReplayCache implements ReplayCache {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;
  /** No entry expires before this: a full cache is swept only once something can have expired, not on every refusal. */
  #earliest = Number.POSITIVE_INFINITY;

  /** `maxEntries` (default 1,000,000) is a whole number ≥ 1; anything else is `ERR_INPUT_INVALID`. */
  constructor(options: { maxEntries?: number } = {}) {
    const max = options.maxEntries ?? 1_000_000;
    // Checked: with NaN, `size >= max` is never true and the bound would be off.
    if (!Number.isSafeInteger(max) || max < 1)
      throw snError('ERR_INPUT_INVALID', 'maxEntries must be a whole number ≥ 1');
    this.#maxEntries = max;
  }

  remember(jti: string, expiresAt: number, now: number): boolean {
    const until = this.#seen.get(jti);
    if (until !== undefined && until >= now) return false;
    if (this.#seen.size >= this.#maxEntries && this.#earliest < now) this.#sweep(now);
    if (this.#seen.size >= this.#maxEntries) return false;
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

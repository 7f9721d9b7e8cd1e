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

  constructor(options: { maxEntries?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 1_000_000;
  }

  remember(jti: string, expiresAt: number, now: number): boolean {
    const until = this.#seen.get(jti);
    if (until !== undefined && until >= now) return false;
    if (this.#seen.size >= this.#maxEntries) this.#sweep(now);
    if (this.#seen.size >= this.#maxEntries) return false;
    this.#seen.delete(jti);
    this.#seen.set(jti, expiresAt);
    return true;
  }

  /** Number of ids held. */
  get size(): number {
    return this.#seen.size;
  }

  #sweep(now: number): void {
    for (const [jti, until] of this.#seen) if (until < now) this.#seen.delete(jti);
  }
}

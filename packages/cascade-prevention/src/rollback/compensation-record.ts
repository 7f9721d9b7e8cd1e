/** What a participant remembers of one compensation key (spec §6.5). */
export interface CompensationEntry {
  /** How many times the handler ran for this key. */
  readonly attempts: number;
  /** The signed final Compensation Result (`compensated` or `not_reversible`), once there is one. */
  readonly result?: Uint8Array;
}

/**
 * A participant's idempotency record: per compensation key, the attempts made and the final signed result. A
 * durable implementation is what makes "compensated exactly once" survive a participant restart; the SQLite one
 * is in `@safety-net/cascade-prevention/sqlite`, the PostgreSQL one in `…/postgres`.
 */
export interface CompensationRecord {
  get(key: string): Promise<CompensationEntry | undefined>;
  /** Counts one more attempt for `key` and returns the new count. */
  addAttempt(key: string): Promise<number>;
  /** Stores the final signed result for `key`; it is returned as is from then on. */
  setResult(key: string, result: Uint8Array): Promise<void>;
}

/** An in-memory {@link CompensationRecord}: for tests, and for participants whose compensations are idempotent anyway. */
export class MemoryCompensationRecord implements CompensationRecord {
  readonly #entries = new Map<string, { attempts: number; result?: Uint8Array }>();

  async get(key: string): Promise<CompensationEntry | undefined> {
    const e = this.#entries.get(key);
    return e && { ...e };
  }

  async addAttempt(key: string): Promise<number> {
    const e = this.#entries.get(key) ?? { attempts: 0 };
    e.attempts += 1;
    this.#entries.set(key, e);
    return e.attempts;
  }

  async setResult(key: string, result: Uint8Array): Promise<void> {
    const e = this.#entries.get(key) ?? { attempts: 0 };
    e.result = result;
    this.#entries.set(key, e);
  }
}

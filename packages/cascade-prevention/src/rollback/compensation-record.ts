/** What a participant remembers of one compensation key (spec §6.5). */
export interface CompensationEntry {
  /** How many times the handler ran for this key. */
  readonly attempts: number;
  /** The signed final Compensation Result (`compensated` or `not_reversible`), once there is one. */
  readonly result?: Uint8Array;
}

/**
 * A participant's idempotency record: per compensation key, the attempts made and the final signed result. Part of
 * every `ParticipantStore`, which also keeps fences, completed plans and lease tokens.
 */
export interface CompensationRecord {
  get(key: string): Promise<CompensationEntry | undefined>;
  /** Counts one more attempt for `key` and returns the new count. */
  addAttempt(key: string): Promise<number>;
  /** Stores the final signed result for `key`; it is returned as is from then on. */
  setResult(key: string, result: Uint8Array): Promise<void>;
}

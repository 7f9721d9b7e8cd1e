import type { CompensationRecord } from './compensation-record.js';
import type { FenceHolder } from './fence.js';

/** The fences one holder raised, as a participant store keeps them. */
export interface StoredFences {
  readonly holder: FenceHolder;
  readonly resources: readonly string[];
}

/** What {@link ParticipantStore.commit} hands back: the recorded result, and the effect's value when it ran. */
export type Committed<R> =
  | { readonly ran: true; readonly value: R; readonly result: Uint8Array }
  | {
      readonly ran: false;
      readonly result: Uint8Array;
    };

/**
 * Everything a participant must remember across a restart (spec §6.4–6.5): the fences it holds, the plans whose
 * Rollback Complete it applied, the highest lease token seen per plan, and per compensation key the attempts made
 * and the final signed result. `Tx` is what a compensation's effect is given to write with, inside the
 * transaction that also records the result: a better-sqlite3 handle, a `pg` client, nothing for the memory store.
 *
 * Every method is one atomic change, durable when its promise resolves.
 */
export interface ParticipantStore<Tx = unknown> extends CompensationRecord {
  /** Every fence held, by holder: read once when the participant opens. */
  fences(): Promise<StoredFences[]>;
  /**
   * Raises `holder`'s fences on `resources` (idempotent), unless `holder` ended: then nothing is raised and the
   * answer is false.
   */
  raise(holder: FenceHolder, resources: readonly string[]): Promise<boolean>;
  /**
   * Applies a holder's Rollback Complete: lifts its fences and remembers it ended until `until` (epoch seconds);
   * forgets holders that ended before `now`. Stores may drop the holder's compensation records then: no excerpt of
   * its plan is accepted any more.
   */
  end(holder: FenceHolder, until: number, now: number): Promise<void>;
  /** True while `holder` is remembered as ended. */
  ended(holder: FenceHolder): Promise<boolean>;
  /** Operator: lifts every fence of `rollback`, whoever raised it. */
  releaseRollback(rollback: string): Promise<void>;
  /**
   * Records `token` as seen for `holder` when it is the highest so far; a lower one is `ERR_CP_LEASE_LOST` (a
   * coordinator whose lease another instance took).
   */
  observeLease(holder: FenceHolder, token: number): Promise<void>;
  /** Counts one more attempt for `key` (of `holder`'s plan) and returns the new count. */
  addAttempt(key: string, holder?: FenceHolder): Promise<number>;
  /** Stores the final signed result for `key` (of `holder`'s plan); it is returned as is from then on. */
  setResult(key: string, result: Uint8Array, holder?: FenceHolder): Promise<void>;
  /**
   * Runs `effect` and records `sign(value)` as the final result of `key` in one transaction, so that a participant
   * killed at any point has either done both or neither. When `key` already has a result (another instance
   * committed it), `effect` is not run and that result is returned with `ran: false`.
   */
  commit<R>(
    key: string,
    holder: FenceHolder,
    effect: (tx: Tx) => R | Promise<R>,
    sign: (value: R) => Uint8Array,
  ): Promise<Committed<R>>;
}

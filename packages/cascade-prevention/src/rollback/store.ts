/** How far one step of a stored rollback has got. `pending` until a final outcome is recorded. */
export type StepStatus = 'pending' | 'compensated' | 'not_reversible' | 'failed';

/** The stored state of one plan step. */
export interface StepState {
  /** The step number in the plan. */
  readonly step: number;
  readonly status: StepStatus;
  /** Calls for this step that came back with a failure, over all runs of the coordinator (the attempt budget). */
  readonly attempts: number;
  /** The signed Compensation Result that settled the step. */
  readonly result?: Uint8Array;
  /** Why a step failed without a signed result (e.g. the deadline passed). */
  readonly reason?: string;
}

/** A rollback as the coordinator stored it: enough to finish it after a restart. */
export interface StoredRollback {
  readonly rollback: string;
  /** Digest of the request's content (`requestDigest`): a re-sent request with the same content resumes. */
  readonly digest: string;
  /** The signed Rollback Request and Rollback Plan. */
  readonly request: Uint8Array;
  readonly plan: Uint8Array;
  readonly steps: readonly StepState[];
  /** The signed Rollback Complete, once every step is settled. */
  readonly complete?: Uint8Array;
  /** True once the participants were sent Rollback Complete (fences released): nothing is left to do. */
  readonly released: boolean;
}

/** What {@link RollbackStore.create} writes: a new rollback with every step pending. */
export interface NewRollback {
  readonly rollback: string;
  readonly digest: string;
  readonly request: Uint8Array;
  readonly plan: Uint8Array;
  readonly steps: readonly number[];
}

/**
 * The coordinator's durable progress (spec §6.2). Each method is one atomic change, durable when it resolves. The
 * SQLite implementation is in `@safety-net/cascade-prevention/sqlite`, the PostgreSQL one (several instances) in
 * `@safety-net/cascade-prevention/postgres`; {@link MemoryRollbackStore} is for tests and single-process use.
 */
export interface RollbackStore {
  /** Creates the rollback, or returns the one already stored under its id (unchanged). */
  create(entry: NewRollback): Promise<StoredRollback>;
  load(rollback: string): Promise<StoredRollback | undefined>;
  /** Counts one more failed call for a step; returns the new count. */
  addAttempt(rollback: string, step: number): Promise<number>;
  /** Settles a step: final status with the signed result or a reason. */
  settle(
    rollback: string,
    step: number,
    outcome: { status: Exclude<StepStatus, 'pending'>; result?: Uint8Array; reason?: string },
  ): Promise<void>;
  /** Records the signed Rollback Complete: every step is settled. */
  finish(rollback: string, complete: Uint8Array): Promise<void>;
  /** Marks the rollback released: its Rollback Complete was sent to the participants. */
  markReleased(rollback: string): Promise<void>;
  /**
   * Takes or renews the lease of a rollback for coordinator `instance` until `now + ttlMs` (epoch ms) and returns
   * its fencing token: the same token while `instance` keeps the lease, a higher one each time the lease changes
   * hands. While another instance holds it unexpired: `ERR_CP_LEASE_LOST`. Unknown rollback:
   * `ERR_CP_ROLLBACK_UNKNOWN`.
   */
  acquireLease(rollback: string, instance: string, ttlMs: number, now: number): Promise<number>;
  /** Ids of the rollbacks not released, oldest first. */
  unfinished(): Promise<string[]>;
}

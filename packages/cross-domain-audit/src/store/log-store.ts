import type { HashId, StoredHash } from '../log/subtrees.js';

/** The latest integrated state of a log: its size, root and the checkpoint signed for them. */
export interface StoredTreeState {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The signed checkpoint note of this size and root. */
  readonly checkpoint: string;
}

/** One integrated batch, written in one transaction (spec §5.7). */
export interface SequencedBatch {
  /** Index of the first entry: the size before the batch. */
  readonly first: number;
  readonly entries: readonly Uint8Array[];
  readonly leafHashes: readonly Uint8Array[];
  /** Every complete-subtree hash the batch completes, leaf hashes included. */
  readonly hashes: readonly StoredHash[];
  /** The workflow index rows of the batch's entries (spec §5.5): each key with an entry's index. */
  readonly workflows: readonly WorkflowIndexRow[];
  /**
   * Whether `workflows` holds every row of the batch's entries (the log keeps the index). When it does and the
   * backfill progress equals `first` (the index was in step), the store moves the progress to the batch's end in
   * the same transaction, so that a log indexed from its first entry never has entries to backfill (spec §6).
   */
  readonly indexed: boolean;
  readonly state: StoredTreeState;
}

/** One row of the workflow index: an entry found under a workflow id or a stitching ECT jti. */
export interface WorkflowIndexRow {
  readonly key: string;
  readonly index: number;
}

/** The workflow index keys of one entry, from its leaf bytes (the log's `workflowKeys`). */
export type WorkflowKeysOf = (entry: Uint8Array) => readonly string[];

/** What one backfill step did: the entries it indexed, where the next step starts, and the log's size then. */
export interface WorkflowBackfillStep {
  /** Entries read and indexed by this step: `[next − indexed, next)`. */
  readonly indexed: number;
  /** The first entry not yet backfilled: the progress, recorded with the step's rows. */
  readonly next: number;
  /** The log's committed size when the step ran; the backfill is done when `next` reaches it. */
  readonly size: number;
}

/** What a sequencing transaction may read and write; it sees the store as it is under the sequencing lock. */
export interface SequencingTx {
  /** The committed state when the transaction began; undefined for an empty log. */
  readonly state: StoredTreeState | undefined;
  hashes(ids: readonly HashId[]): Promise<readonly Uint8Array[]>;
  /** The index of each leaf hash already in the log, or undefined. */
  indexesOf(leafHashes: readonly Uint8Array[]): Promise<ReadonlyArray<number | undefined>>;
  write(batch: SequencedBatch): Promise<void>;
}

/**
 * Where a transparency log keeps its entries, the hashes of its complete subtrees and its checkpoints (spec §5.7).
 * Entries and hashes are immutable once written, so a reader that takes a size from `state()` can read any hash of
 * that tree later, whatever was appended meanwhile. Failures of a durable store are `ERR_AU_STORE_FAILED`.
 */
export interface LogStore {
  /**
   * Runs `work` as the log's only sequencer (across every process sharing the store) in one transaction: what it
   * writes is committed when it resolves, nothing when it throws.
   */
  sequence<T>(work: (tx: SequencingTx) => Promise<T>): Promise<T>;
  state(): Promise<StoredTreeState | undefined>;
  /** Stored hashes by id; `ERR_AU_STORE_FAILED` when one is missing. */
  hashes(ids: readonly HashId[]): Promise<readonly Uint8Array[]>;
  /** The hashes of level `level` from index `from` (inclusive) to `to` (exclusive), all stored. */
  hashRange(level: number, from: number, to: number): Promise<readonly Uint8Array[]>;
  /** The entries [from, to), all sequenced. */
  entries(from: number, to: number): Promise<readonly Uint8Array[]>;
  indexOf(leafHash: Uint8Array): Promise<number | undefined>;
  /** The checkpoint signed at `size`, when the log signed one. */
  checkpointAt(size: number): Promise<string | undefined>;
  /** The indices of the entries indexed under `key` (a workflow id or a stitching ECT jti), ascending, at most `limit`. */
  workflow(key: string, limit: number): Promise<readonly number[]>;
  /**
   * One step of backfilling the workflow index (spec §6): indexes the entries from the recorded progress on, at
   * most `limit` of them, under the keys `keysOf` gives, and records the new progress, in one transaction. Rows
   * already held are kept as they are, so a step run again, or over entries sequencing indexed, changes nothing.
   */
  backfillWorkflows(keysOf: WorkflowKeysOf, limit: number): Promise<WorkflowBackfillStep>;
  close(): Promise<void>;
}

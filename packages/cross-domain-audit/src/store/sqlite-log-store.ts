import {
  bytesEqual,
  concatBytes,
  type SqliteDatabase as Db,
  merkleRootFromLeafHashes,
  type SqliteStatement,
} from '@safety-net/core';
import { auError } from '../errors.js';
import { HashIndex } from '../log/hash-index.js';
import { type HashId, rangePieces } from '../log/subtrees.js';
import { LeafFilter } from './leaf-filter.js';
import type {
  LogStore,
  SequencedBatch,
  SequencingTx,
  StoredTreeState,
  WorkflowBackfillStep,
  WorkflowKeysOf,
} from './log-store.js';
import { BLOCK_ITEMS, SqliteDedupeRuns, sortedItems } from './sqlite-dedupe-runs.js';
import { BUNDLE_LEVEL, SqliteEntryBundles } from './sqlite-entry-bundles.js';
import { migrateLog } from './sqlite-log-schema.js';
import { bytesOf, openSqlite, sqliteCall } from './sqlite-open.js';

/** Entries indexed by leaf hash in memory before a sequencer merges them into the dedupe runs as one sorted run. */
const MERGE_EVERY = 65_536;

/**
 * Runs merged into one at a time: runs merge as the digits of a base-4 counter carry, so an entry is rewritten
 * log4(n / mergeEvery) times, half as often as by pairs, whose rewrites cost an append as much as its entries did.
 * Lookups seek up to three runs per size instead of one, but only for the few leaf hashes the filter may hold.
 */
const MERGE_WIDTH = 4;

/** Options of {@link SqliteLogStore}. */
export interface SqliteLogStoreOptions {
  /**
   * Entries whose leaf hashes a handle holds in memory (32 bytes each, and their index) before the sequencer merges
   * them into the dedupe table as one sorted run (default 65,536; 1 to 16,777,216). Fewer: less memory per handle,
   * more runs to merge.
   */
  readonly mergeEvery?: number;
}

interface Run {
  run: number;
  first: number;
  next: number;
}

/** A merge under way (spec §5.7): its run, and its sources, the runs numbered `from` to `to`. */
interface Merging {
  run: number;
  from: number;
  to: number;
}

const EMPTY = new Uint8Array(0);

/** A hash's place as one number (exact: a tree of 2^47 leaves has 48 levels, fewer than 64). */
const edgeKey = (id: HashId) => id.index * 64 + id.level;

/**
 * The right edge of the tree after `batch`: each of its complete subtrees was either completed by the batch or, lying
 * wholly before it, on the edge before it.
 */
function rightEdge(batch: SequencedBatch, before: ReadonlyMap<number, Uint8Array>): Map<number, Uint8Array> {
  const edge = new Map<number, Uint8Array>();
  for (const piece of rangePieces(0, batch.state.size)) {
    const key = edgeKey(piece);
    const lastLeaf = (piece.index + 1) * 2 ** piece.level - 1;
    const hash =
      lastLeaf < batch.first
        ? before.get(key)
        : piece.level === 0
          ? batch.leafHashes[piece.index - batch.first]
          : batch.hashes.find((h) => h.level === piece.level && h.index === piece.index)?.hash;
    if (hash) edge.set(key, hash);
  }
  return edge;
}

interface CheckpointRow {
  size: number;
  root: Buffer;
  note: string;
}

/**
 * A transparency log's store in SQLite (better-sqlite3; WAL journal, full sync). A sequencing transaction holds the
 * database's write lock (`BEGIN IMMEDIATE`) from its first read to its commit, so processes sharing the file
 * sequence one at a time; it writes nothing until the batch is complete and then writes and commits without
 * yielding, so readers on the same handle never see a batch half-written. Entries acknowledged by the log are on
 * disk: a process killed at any point restarts with the tree of its last checkpoint.
 *
 * @example
 * ```ts
 * const log = new TransparencyLog({ origin, signer, store: new SqliteLogStore('audit-log.db') });
 * ```
 */
export class SqliteLogStore implements LogStore {
  readonly #db: Db;
  readonly #sql: Record<
    | 'begin'
    | 'commit'
    | 'rollback'
    | 'indexed'
    | 'runs'
    | 'putRun'
    | 'dropRun'
    | 'setIndexed'
    | 'merging'
    | 'setMerging'
    | 'checkpointAt'
    | 'latest'
    | 'putCheckpoint'
    | 'workflow'
    | 'putWorkflow'
    | 'backfilled'
    | 'addWorkflow'
    | 'setBackfilled'
    | 'keepBackfilled'
    | 'pinBackfilled',
    SqliteStatement
  >;
  readonly #bundles: SqliteEntryBundles;
  readonly #runs: SqliteDedupeRuns;
  #queue: Promise<unknown> = Promise.resolve();
  /** Leaf hashes of the entries from `#tailFrom` on (the ordinal in the index is the offset): those not yet merged. */
  #tail = new HashIndex();
  #tailFrom = 0;
  /**
   * The leaf hashes of the entries below `#filterTo`, all merged: built when first needed, extended as merges come.
   * Only the hashes it may hold are looked up in `au_log_dedupe`, which otherwise cost an append a query per batch.
   */
  #filter: LeafFilter | undefined;
  #filterTo = 0;

  readonly #mergeEvery: number;
  /**
   * The hashes of the right edge of the tree this handle last wrote (the next batch's first read). Stored hashes
   * never change, so these stay true whatever other handles append since.
   */
  #edge = new Map<number, Uint8Array>();

  /** `database`: a file path (`':memory:'` for a private in-memory database) or an open better-sqlite3 handle. */
  constructor(database: string | Db, options: SqliteLogStoreOptions = {}) {
    const mergeEvery = options.mergeEvery ?? MERGE_EVERY;
    if (!Number.isSafeInteger(mergeEvery) || mergeEvery < 1 || mergeEvery > 2 ** 24) {
      throw auError('ERR_AU_CONFIG_INVALID', 'mergeEvery: 1 to 16,777,216');
    }
    this.#mergeEvery = mergeEvery;
    this.#db = openSqlite(database, migrateLog, [
      // Several processes may share the file: wait for the sequencer that holds the write lock rather than fail.
      'busy_timeout = 10000',
    ]);
    this.#sql = sqliteCall('prepare', () => ({
      indexed: this.#db.prepare('SELECT indexed FROM au_log_dedupe_state WHERE id = 1'),
      runs: this.#db.prepare('SELECT run, first, next FROM au_log_dedupe_run ORDER BY first'),
      // Prepared once: `exec` would parse them again for every batch.
      begin: this.#db.prepare('BEGIN IMMEDIATE'),
      commit: this.#db.prepare('COMMIT'),
      rollback: this.#db.prepare('ROLLBACK'),
      // Run numbers grow with the entries a run covers, so the newest runs are a range of numbers.
      putRun: this.#db.prepare('INSERT INTO au_log_dedupe_run (run, first, next) VALUES (?, ?, ?)'),
      dropRun: this.#db.prepare('DELETE FROM au_log_dedupe_run WHERE run BETWEEN ? AND ?'),
      setIndexed: this.#db.prepare('UPDATE au_log_dedupe_state SET indexed = ? WHERE id = 1'),
      merging: this.#db.prepare(
        'SELECT merge_run AS run, merge_from AS "from", merge_to AS "to" FROM au_log_dedupe_state WHERE id = 1',
      ),
      setMerging: this.#db.prepare(
        'UPDATE au_log_dedupe_state SET merge_run = ?, merge_from = ?, merge_to = ? WHERE id = 1',
      ),
      checkpointAt: this.#db.prepare('SELECT note FROM au_log_checkpoint WHERE size = ?'),
      latest: this.#db.prepare('SELECT size, root, note FROM au_log_checkpoint ORDER BY size DESC LIMIT 1'),
      putCheckpoint: this.#db.prepare('INSERT INTO au_log_checkpoint (size, root, note) VALUES (?, ?, ?)'),
      workflow: this.#db.prepare('SELECT idx FROM au_log_workflow WHERE key = ? ORDER BY idx LIMIT ?'),
      putWorkflow: this.#db.prepare('INSERT INTO au_log_workflow (key, idx) VALUES (?, ?)'),
      backfilled: this.#db.prepare('SELECT next FROM au_log_workflow_backfill WHERE id = 1'),
      addWorkflow: this.#db.prepare('INSERT OR IGNORE INTO au_log_workflow (key, idx) VALUES (?, ?)'),
      setBackfilled: this.#db.prepare('UPDATE au_log_workflow_backfill SET next = ? WHERE id = 1'),
      // The progress is NULL while the index is in step with the log, so a batch that keeps it in step writes nothing.
      // Sequencing with the index puts it in step when it was at the batch's first entry.
      keepBackfilled: this.#db.prepare('UPDATE au_log_workflow_backfill SET next = NULL WHERE id = 1 AND next = ?'),
      // Sequencing without it leaves the index at the batch's first entry, if it was in step.
      pinBackfilled: this.#db.prepare('UPDATE au_log_workflow_backfill SET next = ? WHERE id = 1 AND next IS NULL'),
    }));
    this.#bundles = sqliteCall('prepare', () => new SqliteEntryBundles(this.#db));
    this.#runs = sqliteCall('prepare', () => new SqliteDedupeRuns(this.#db));
  }

  sequence<T>(work: (tx: SequencingTx) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      sqliteCall('begin', () => this.#sql.begin.run());
      let pending: SequencedBatch | undefined;
      let merged = false;
      let out: T;
      try {
        const state = this.#latest();
        out = await work({
          state,
          hashes: async (ids) => this.#hashes(ids),
          indexesOf: async (hashes) => this.#indexesOf(hashes, state?.size ?? 0),
          write: async (batch) => {
            if (batch.first !== (state?.size ?? 0)) throw auError('ERR_AU_STORE_FAILED', 'batch out of sequence');
            pending = batch;
          },
        });
        // Written and committed in one synchronous step: nothing else on this handle runs in between.
        merged = sqliteCall('commit', () => {
          const done = pending !== undefined && this.#write(pending);
          this.#sql.commit.run();
          return done;
        });
      } catch (e) {
        sqliteCall('rollback', () => this.#sql.rollback.run());
        throw e;
      }
      if (pending) this.#edge = rightEdge(pending, this.#edge);
      if (merged) {
        // The merged hashes join the filter from memory, not read back: a merge by this handle is seen in full.
        const tailWhole = this.#tailFrom + this.#tail.size === pending!.first;
        if (!this.#filter && this.#tailFrom === 0) this.#filter = new LeafFilter();
        if (this.#filter && this.#filterTo === this.#tailFrom && tailWhole) {
          for (const h of this.#tail.keys()) this.#filter.add(h);
          for (const h of pending!.leafHashes) this.#filter.add(h);
          this.#filterTo = pending!.state.size;
        }
        this.#tail = new HashIndex();
        this.#tailFrom = pending!.state.size;
      } else if (pending && pending.first === this.#tailFrom + this.#tail.size) {
        this.#remember(pending.first, pending.leafHashes);
      }
      return out;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Writes the batch; true when it also merged the unmerged leaf hashes into the dedupe runs. */
  #write(batch: SequencedBatch): boolean {
    // The runs are written from the leaf hashes this handle holds: all of those before the batch.
    this.#catchUp(batch.first);
    if (this.#tailFrom + this.#tail.size !== batch.first) {
      throw auError('ERR_AU_STORE_FAILED', `the log does not end at entry ${batch.first}`);
    }
    this.#bundles.write(batch.first, batch.entries, batch.leafHashes, batch.hashes);
    for (const row of batch.workflows) this.#sql.putWorkflow.run(row.key, row.index);
    (batch.indexed ? this.#sql.keepBackfilled : this.#sql.pinBackfilled).run(batch.first);
    this.#sql.putCheckpoint.run(batch.state.size, batch.state.rootHash, batch.state.checkpoint);
    const due = batch.state.size - this.#tailFrom >= this.#mergeEvery;
    // A slice of the merge under way (spec §5.7); one still under way when the next run is due is finished first.
    const slice = Math.max(BLOCK_ITEMS, Math.ceil((2 * batch.state.size * batch.entries.length) / this.#mergeEvery));
    this.#advanceMerge(due ? Number.POSITIVE_INFINITY : slice);
    if (!due) return false;
    const runs = this.#sql.runs.all() as Run[];
    const tail = { run: this.#nextRun(runs), first: this.#tailFrom, next: batch.state.size };
    this.#runs.write(tail.run, sortedItems(tail.first, concatBytes(this.#tail.packed(), ...batch.leafHashes)));
    this.#sql.putRun.run(tail.run, tail.first, tail.next);
    this.#sql.setIndexed.run(batch.state.size);
    this.#startMerge([...runs, tail]);
    return true;
  }

  /** The merge under way, if any: its run and the range of its sources' run numbers. */
  #merging(): Merging | undefined {
    const row = this.#sql.merging.get() as { run: number | null; from: number; to: number };
    return row.run === null ? undefined : { run: row.run, from: row.from, to: row.to };
  }

  /** The number of the next run: after every run, and after the run of a merge under way. */
  #nextRun(runs: readonly Run[]): number {
    return Math.max(this.#merging()?.run ?? 0, ...runs.map((r) => r.run)) + 1;
  }

  /**
   * Writes a slice of at least `items` items of the merge under way; the slice that completes it registers its run
   * and drops its sources, and the next merge the runs call for (a carry) starts.
   */
  #advanceMerge(items: number): void {
    const merging = this.#merging();
    if (!merging) return;
    const runs = this.#sql.runs.all() as Run[];
    const sources = runs.filter((r) => r.run >= merging.from && r.run <= merging.to);
    const numbers = sources.map((r) => r.run);
    if (!this.#runs.mergeSlice(merging.run, numbers, items)) return;
    this.#runs.drop(merging.from, merging.to);
    this.#sql.dropRun.run(merging.from, merging.to);
    const merged = { run: merging.run, first: sources[0]!.first, next: sources.at(-1)!.next };
    this.#sql.putRun.run(merged.run, merged.first, merged.next);
    this.#sql.setMerging.run(null, null, null);
    this.#startMerge([...runs.filter((r) => r.run < merging.from), merged, ...runs.filter((r) => r.run > merging.to)]);
  }

  /**
   * Starts merging the four newest of `runs` (in the order of their entries) when the oldest of them is no larger
   * than the newest, as a base-4 counter carries, unless a merge is under way.
   */
  #startMerge(runs: readonly Run[]): void {
    if (runs.length < MERGE_WIDTH || this.#merging()) return;
    const newest = runs[runs.length - 1]!;
    const oldest = runs[runs.length - MERGE_WIDTH]!;
    if (oldest.next - oldest.first > newest.next - newest.first) return;
    this.#sql.setMerging.run(this.#nextRun(runs), oldest.run, newest.run);
  }

  /**
   * Brings the in-memory leaf hashes up to the log of `size` entries: what this handle has not seen, appended by
   * another process or before it opened the file, and nothing at all after another process merged them.
   */
  #catchUp(size: number): void {
    // The log has grown only if someone appended, so a handle holding every leaf hash up to `size` is in step.
    if (this.#tailFrom + this.#tail.size === size) return;
    const { indexed } = this.#sql.indexed.get() as { indexed: number };
    if (indexed !== this.#tailFrom) {
      this.#tail = new HashIndex();
      this.#tailFrom = indexed;
    }
    const from = this.#tailFrom + this.#tail.size;
    this.#remember(from, this.#bundles.leafHashes(from, Number.MAX_SAFE_INTEGER));
  }

  /** Adds the leaf hashes of the entries from `first`, the next one the tail lacks. */
  #remember(first: number, leafHashes: readonly Uint8Array[]): void {
    leafHashes.forEach((hash, i) => {
      if (this.#tail.put(hash) !== first + i - this.#tailFrom) {
        throw auError('ERR_AU_STORE_FAILED', `entry ${first + i} is in the log already`);
      }
    });
  }

  #latest(): StoredTreeState | undefined {
    const row = sqliteCall('state', () => this.#sql.latest.get()) as CheckpointRow | undefined;
    return row && { size: row.size, rootHash: bytesOf(row.root), checkpoint: row.note };
  }

  #hashes(ids: readonly HashId[]): Uint8Array[] {
    return sqliteCall('hashes', () =>
      ids.map((id) => {
        const edge = this.#edge.get(edgeKey(id));
        if (edge) return edge;
        if (id.level > 0 && id.level < BUNDLE_LEVEL) return this.#recomputed(id.level, id.index, id.index + 1)[0]!;
        const hash =
          id.level === 0 ? this.#bundles.leafHashes(id.index, id.index + 1)[0] : this.#bundles.hash(id.level, id.index);
        if (!hash) throw auError('ERR_AU_STORE_FAILED', `hash ${id.level}/${id.index} is not stored`);
        return hash;
      }),
    );
  }

  /** The hashes of level `level` (1 to 7) from `from` to `to`, each the root of its 2^`level` leaf hashes. */
  #recomputed(level: number, from: number, to: number): Uint8Array[] {
    const width = 2 ** level;
    const leaves = this.#bundles.leafHashes(from * width, to * width);
    if (leaves.length !== (to - from) * width) {
      throw auError('ERR_AU_STORE_FAILED', `hashes ${level}/${from}..${to} are not complete`);
    }
    const out: Uint8Array[] = [];
    for (let at = 0; at < leaves.length; at += width) out.push(merkleRootFromLeafHashes(leaves.slice(at, at + width)));
    return out;
  }

  /** The indexes of the entries with these leaf hashes in the log of `size` entries. */
  #indexesOf(leafHashes: readonly Uint8Array[], size: number): Array<number | undefined> {
    sqliteCall('indexesOf', () => this.#catchUp(size));
    const out = leafHashes.map((h) => {
      const ordinal = this.#tail.get(h);
      return ordinal === undefined ? undefined : this.#tailFrom + ordinal;
    });
    if (this.#tailFrom === 0) return out;
    const merged = sqliteCall('indexesOf', () => this.#merged());
    // Only what the filter may hold is looked up in the runs.
    return sqliteCall('indexesOf', () =>
      leafHashes.map((h, i) => {
        if (out[i] !== undefined || !merged.mayHave(h)) return out[i];
        return this.#runs.find(h, (index) => bytesEqual(this.#bundles.leafHashes(index, index + 1)[0] ?? EMPTY, h));
      }),
    );
  }

  /**
   * The filter of the merged leaf hashes (the entries below `#tailFrom`), brought up to them: read whole when first
   * needed, then extended by what other handles merged.
   */
  #merged(): LeafFilter {
    if (!this.#filter || this.#filterTo > this.#tailFrom) {
      this.#filter = new LeafFilter();
      this.#filterTo = 0;
    }
    for (let from = this.#filterTo; from < this.#tailFrom; from += MERGE_EVERY) {
      const to = Math.min(this.#tailFrom, from + MERGE_EVERY);
      for (const hash of this.#bundles.leafHashes(from, to)) this.#filter.add(hash);
      this.#filterTo = to;
    }
    return this.#filter;
  }

  backfillWorkflows(keysOf: WorkflowKeysOf, limit: number): Promise<WorkflowBackfillStep> {
    // In the handle's queue, so it never runs inside a sequencing transaction of this handle; under the write lock
    // (`immediate`) against other processes. The rows and the progress commit together, or neither.
    const run = this.#queue.then(() =>
      sqliteCall('backfill', () =>
        this.#db
          .transaction((): WorkflowBackfillStep => {
            const size = this.#latest()?.size ?? 0;
            const from = (this.#sql.backfilled.get() as { next: number | null }).next ?? size;
            const next = Math.min(size, from + limit);
            this.#bundles.entries(from, next).forEach((entry, i) => {
              for (const key of keysOf(entry)) this.#sql.addWorkflow.run(key, from + i);
            });
            this.#sql.setBackfilled.run(next);
            return { indexed: next - from, next, size };
          })
          .immediate(),
      ),
    );
    this.#queue = run.catch(() => {});
    return run;
  }

  async state(): Promise<StoredTreeState | undefined> {
    return this.#latest();
  }

  async hashes(ids: readonly HashId[]): Promise<readonly Uint8Array[]> {
    return this.#hashes(ids);
  }

  async hashRange(level: number, from: number, to: number): Promise<readonly Uint8Array[]> {
    if (level > 0 && level < BUNDLE_LEVEL) return sqliteCall('hashRange', () => this.#recomputed(level, from, to));
    const hashes = sqliteCall('hashRange', () =>
      level === 0
        ? this.#bundles.leafHashes(from, to)
        : Array.from({ length: Math.max(0, to - from) }, (_, i) => this.#bundles.hash(level, from + i)).filter(
            (h) => h !== undefined,
          ),
    );
    if (hashes.length !== to - from) throw auError('ERR_AU_STORE_FAILED', `hashes ${level}/${from}..${to} not stored`);
    return hashes;
  }

  async entries(from: number, to: number): Promise<readonly Uint8Array[]> {
    const entries = sqliteCall('entries', () => this.#bundles.entries(from, to));
    if (entries.length !== to - from) throw auError('ERR_AU_STORE_FAILED', `entries ${from}..${to} not stored`);
    return entries;
  }

  async indexOf(leafHash: Uint8Array): Promise<number | undefined> {
    return this.#indexesOf([leafHash], this.#latest()?.size ?? 0)[0];
  }

  async checkpointAt(size: number): Promise<string | undefined> {
    const row = sqliteCall('checkpointAt', () => this.#sql.checkpointAt.get(size)) as { note: string } | undefined;
    return row?.note;
  }

  async workflow(key: string, limit: number): Promise<readonly number[]> {
    const rows = sqliteCall('workflow', () => this.#sql.workflow.all(key, limit)) as { idx: number }[];
    return rows.map((r) => r.idx);
  }

  async close(): Promise<void> {
    await this.#queue;
    sqliteCall('close', () => this.#db.close());
  }
}

import { auError } from '../errors.js';
import { HashIndex } from '../log/hash-index.js';
import type { HashId } from '../log/subtrees.js';
import { EntryChunks } from './entry-chunks.js';
import { HashTiles } from './hash-tiles.js';
import type {
  LogStore,
  SequencedBatch,
  SequencingTx,
  StoredTreeState,
  WorkflowBackfillStep,
  WorkflowKeysOf,
} from './log-store.js';

/**
 * A log store in memory, for tests, benchmarks and logs that need no durability. Sequencing transactions run one
 * at a time; a batch becomes visible whole, when its transaction resolves.
 */
export class MemoryLogStore implements LogStore {
  readonly #hashes = new HashTiles();
  readonly #entries = new EntryChunks();
  /** Leaf hash → entry index: entries are unique, so an entry's ordinal in the index is its index. */
  readonly #indexes = new HashIndex();
  readonly #checkpoints = new Map<number, string>();
  readonly #workflows = new Map<string, number[]>();
  /** The first entry the workflow index backfill has not read. */
  #backfilled = 0;
  #state: StoredTreeState | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  sequence<T>(work: (tx: SequencingTx) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      let pending: SequencedBatch | undefined;
      const tx: SequencingTx = {
        state: this.#state,
        hashes: (ids) => this.hashes(ids),
        indexesOf: async (hashes) => hashes.map((h) => this.#indexes.get(h)),
        write: async (batch) => {
          pending = batch;
        },
      };
      const out = await work(tx);
      if (pending) this.#apply(pending);
      return out;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #apply(batch: SequencedBatch): void {
    if (batch.first !== (this.#state?.size ?? 0)) throw auError('ERR_AU_STORE_FAILED', 'batch out of sequence');
    batch.entries.forEach((entry, i) => {
      if (this.#indexes.put(batch.leafHashes[i]!) !== batch.first + i) {
        throw auError('ERR_AU_STORE_FAILED', `entry ${batch.first + i} is in the log already`);
      }
      this.#entries.push(entry);
    });
    for (const h of batch.hashes) this.#hashes.push(h.level, h.index, h.hash);
    for (const row of batch.workflows) this.#index(row.key, row.index);
    if (batch.indexed && this.#backfilled === batch.first) this.#backfilled = batch.state.size;
    this.#checkpoints.set(batch.state.size, batch.state.checkpoint);
    this.#state = batch.state;
  }

  /** Adds `index` under `key` once, keeping the key's list ascending (a backfill adds indices below the last). */
  #index(key: string, index: number): void {
    const held = this.#workflows.get(key);
    if (!held) {
      this.#workflows.set(key, [index]);
      return;
    }
    let at = held.length;
    while (at > 0 && held[at - 1]! > index) at--;
    if (held[at - 1] !== index) held.splice(at, 0, index);
  }

  backfillWorkflows(keysOf: WorkflowKeysOf, limit: number): Promise<WorkflowBackfillStep> {
    // In the sequencing queue, and applied only once every key is known: a throwing `keysOf` changes nothing.
    const run = this.#queue.then(() => {
      const size = this.#state?.size ?? 0;
      const from = this.#backfilled;
      const next = Math.min(size, from + limit);
      const rows = this.#entries.slice(from, next).flatMap((entry, i) => keysOf(entry).map((key) => ({ key, i })));
      for (const row of rows) this.#index(row.key, from + row.i);
      this.#backfilled = next;
      return { indexed: next - from, next, size };
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async state(): Promise<StoredTreeState | undefined> {
    return this.#state;
  }

  async hashes(ids: readonly HashId[]): Promise<readonly Uint8Array[]> {
    return this.#hashes.read(ids);
  }

  async hashRange(level: number, from: number, to: number): Promise<readonly Uint8Array[]> {
    const ids: HashId[] = [];
    for (let i = from; i < to; i++) ids.push({ level, index: i });
    return this.hashes(ids);
  }

  async entries(from: number, to: number): Promise<readonly Uint8Array[]> {
    if (from < 0 || to > this.#entries.size || from > to) {
      throw auError('ERR_AU_STORE_FAILED', `entries ${from}..${to} of ${this.#entries.size}`);
    }
    return this.#entries.slice(from, to);
  }

  async indexOf(leafHash: Uint8Array): Promise<number | undefined> {
    return this.#indexes.get(leafHash);
  }

  async checkpointAt(size: number): Promise<string | undefined> {
    return this.#checkpoints.get(size);
  }

  async workflow(key: string, limit: number): Promise<readonly number[]> {
    return (this.#workflows.get(key) ?? []).slice(0, limit);
  }

  async close(): Promise<void> {}
}

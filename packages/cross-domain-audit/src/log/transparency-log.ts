import { snError } from '@safety-net/core';
import type { CheckpointSigner, TreeHead } from '../checkpoint/tree-head.js';
import { auError } from '../errors.js';
import { OriginSchema } from '../messages/common.js';
import type { LogStore, WorkflowIndexRow } from '../store/log-store.js';
import { encodeEntryBundle } from '../tiles/entry-bundle.js';
import { hashLevelOf, TILE_WIDTH, type TileRef, tileWidthAt } from '../tiles/paths.js';
import { firstCopies } from './batch-copies.js';
import { decodeLogEntry, encodeLogEntries, encodeLogEntry, entryLeafHash, type LogEntry } from './entry.js';
import { RangeCache } from './range-cache.js';
import {
  appendHashes,
  consistencyRanges,
  type HashReader,
  inclusionRanges,
  rangeHashes,
  rangePieces,
  rootAt,
} from './subtrees.js';
import { workflowKeys } from './workflow-keys.js';

/** Options of {@link TransparencyLog}. */
export interface TransparencyLogOptions {
  /** The checkpoint origin: `<domain host>/audit/<log name>` (spec §5.2). */
  readonly origin: string;
  readonly store: LogStore;
  /** Signs each new tree head as a checkpoint note, inside the sequencing transaction. */
  readonly signer: CheckpointSigner;
  /** Most entries sequenced in one transaction (default 1,024, 1 to 65,536). */
  readonly maxBatch?: number;
  /**
   * Default true: sequencing writes the workflow index rows of each batch (spec §6). False leaves the index to
   * {@link TransparencyLog.backfillWorkflowIndex}, e.g. for a bulk import.
   */
  readonly workflowIndex?: boolean;
}

/** Options of {@link TransparencyLog.backfillWorkflowIndex}. */
export interface WorkflowBackfillOptions {
  /** Most entries indexed in one transaction (default 1,024, 1 to 65,536). */
  readonly batch?: number;
}

/** What a backfill did: the entries it read and indexed, and the log's size when it finished. */
export interface WorkflowBackfillResult {
  readonly indexed: number;
  readonly size: number;
}

/** The workflow index keys of stored leaf bytes. */
const keysOfLeaf = (leaf: Uint8Array) => workflowKeys(decodeLogEntry(leaf));

function batchSize(value: number | undefined, name: string): number {
  const size = value ?? 1024;
  if (!Number.isSafeInteger(size) || size < 1 || size > 65_536) {
    throw auError('ERR_AU_CONFIG_INVALID', `${name}: 1 to 65,536`);
  }
  return size;
}

/** Where an entry landed. */
export interface Sequenced {
  readonly index: number;
  readonly leafHash: Uint8Array;
  /** False when the same entry was in the log already (`index` is then the first one's). */
  readonly added: boolean;
}

/** A batch's leaf bytes and, in the same order, each one's workflow index keys. */
interface Leaves {
  readonly bytes: readonly Uint8Array[];
  readonly keys: ReadonlyArray<readonly string[]>;
}

interface Waiting {
  readonly bytes: Uint8Array;
  readonly keys: readonly string[];
  readonly resolve: (s: Sequenced) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * An RFC 9162 transparency log (spec §5): entries are sequenced in batches, each batch in one store transaction
 * that assigns consecutive indices, writes the leaves and the subtree hashes they complete, and signs the checkpoint
 * of the new tree, so that every published tree head has exactly its leaves behind it. Proofs read O(log n) stored
 * hashes. Registration is idempotent: an entry already in the log keeps its first index.
 *
 * @example
 * ```ts
 * const log = new TransparencyLog({ origin: 'hospital.example/audit/main', store: new MemoryLogStore(), signer });
 * const { index } = await log.add({ kind: 'tombstone', body });
 * const path = await log.inclusionProof(index);
 * ```
 */
export class TransparencyLog {
  readonly origin: string;
  readonly #store: LogStore;
  readonly #signer: CheckpointSigner;
  readonly #maxBatch: number;
  readonly #indexWorkflows: boolean;
  #waiting: Waiting[] = [];
  #flushing: Promise<void> | undefined;

  constructor(options: TransparencyLogOptions) {
    if (!OriginSchema.safeParse(options.origin).success) {
      throw auError('ERR_AU_CONFIG_INVALID', 'origin: no spaces, no "+", 1 to 256 characters');
    }
    this.#maxBatch = batchSize(options.maxBatch, 'maxBatch');
    this.origin = options.origin;
    this.#store = options.store;
    this.#signer = options.signer;
    this.#indexWorkflows = options.workflowIndex ?? true;
  }

  /**
   * Adds one entry; resolves once it is sequenced under a signed checkpoint. Entries added while a batch is being
   * sequenced form the next batch (group commit), so concurrent callers share transactions and signatures.
   */
  add(entry: LogEntry): Promise<Sequenced> {
    let leaf: Uint8Array;
    try {
      leaf = encodeLogEntry(entry);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push({ bytes: leaf, keys: workflowKeys(entry), resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /** Sequences `entries` now, in batches of at most `maxBatch`, each under its own checkpoint; in order. */
  async append(entries: readonly LogEntry[]): Promise<Sequenced[]> {
    const bytes = encodeLogEntries(entries);
    const keys = entries.map(workflowKeys);
    // One batch (the usual case) is sequenced as it is, without copies of its lists.
    if (entries.length > 0 && entries.length <= this.#maxBatch) return this.#sequence({ bytes, keys });
    const out: Sequenced[] = [];
    for (let at = 0; at < entries.length; at += this.#maxBatch) {
      const to = at + this.#maxBatch;
      out.push(...(await this.#sequence({ bytes: bytes.slice(at, to), keys: keys.slice(at, to) })));
    }
    return out;
  }

  async #flush(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#maxBatch);
      try {
        const done = await this.#sequence({ bytes: batch.map((w) => w.bytes), keys: batch.map((w) => w.keys) });
        for (const [i, w] of batch.entries()) w.resolve(done[i]!);
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.#flushing = undefined;
  }

  #sequence(leaves: Leaves): Promise<Sequenced[]> {
    const leafHashes = leaves.bytes.map(entryLeafHash);
    return this.#store.sequence(async (tx) => {
      const oldSize = tx.state?.size ?? 0;
      const known = await tx.indexesOf(leafHashes);
      // A second copy within the batch takes the index of the first.
      const copies = firstCopies(leafHashes);
      const out: Sequenced[] = [];
      const entries: Uint8Array[] = [];
      const newHashes: Uint8Array[] = [];
      const workflows: WorkflowIndexRow[] = [];
      for (let i = 0; i < leafHashes.length; i++) {
        const leafHash = leafHashes[i]!;
        const stored = known[i];
        const first = copies[i]!;
        if (stored !== undefined || first !== i) {
          out.push({ index: stored ?? out[first]!.index, leafHash, added: false });
          continue;
        }
        const index = oldSize + entries.length;
        entries.push(leaves.bytes[i]!);
        if (this.#indexWorkflows) for (const key of leaves.keys[i]!) workflows.push({ key, index });
        newHashes.push(leafHash);
        out.push({ index, leafHash, added: true });
      }
      if (entries.length === 0) return out;
      const frontier = await tx.hashes(rangePieces(0, oldSize));
      const { hashes, root } = appendHashes(oldSize, frontier, newHashes);
      const size = oldSize + entries.length;
      const checkpoint = await this.#signer({ origin: this.origin, size, rootHash: root });
      await tx.write({
        first: oldSize,
        entries,
        leafHashes: newHashes,
        hashes,
        workflows,
        indexed: this.#indexWorkflows,
        state: { size, rootHash: root, checkpoint },
      });
      return out;
    });
  }

  /** The latest tree head (size 0 and the empty root before the first batch). */
  async treeHead(): Promise<TreeHead> {
    const state = await this.#store.state();
    return { origin: this.origin, size: state?.size ?? 0, rootHash: state?.rootHash ?? (await this.rootAt(0)) };
  }

  /** The latest signed checkpoint, undefined before the first batch. */
  async checkpoint(): Promise<string | undefined> {
    return (await this.#store.state())?.checkpoint;
  }

  /** The root of the first `size` entries, from stored hashes. */
  async rootAt(size: number): Promise<Uint8Array> {
    await this.#checkSize(size, 0);
    return rootAt(this.#read, size);
  }

  /** The audit path of entry `index` in the tree of `size` entries (default: the latest). */
  async inclusionProof(index: number, size?: number): Promise<Uint8Array[]> {
    const n = size ?? (await this.#size());
    await this.#checkSize(n, 1);
    if (!Number.isSafeInteger(index) || index < 0 || index >= n) {
      throw snError('ERR_INPUT_INVALID', `entry ${index} of a tree of ${n}`);
    }
    return rangeHashes(this.#read, inclusionRanges(index, n), this.#ranges);
  }

  /** The consistency proof from the tree of `size1` entries to that of `size2` (default: the latest). */
  async consistencyProof(size1: number, size2?: number): Promise<Uint8Array[]> {
    const n = size2 ?? (await this.#size());
    await this.#checkSize(n, 1);
    if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > n) {
      throw snError('ERR_INPUT_INVALID', `prefix of ${size1} in a tree of ${n}`);
    }
    return rangeHashes(this.#read, consistencyRanges(size1, n), this.#ranges);
  }

  /** The entry bytes (the leaf) at `index`. */
  async entry(index: number): Promise<Uint8Array> {
    await this.#checkSize(index + 1, 1);
    return (await this.#store.entries(index, index + 1))[0]!;
  }

  /** The index of the entry with this leaf hash, if it is in the log. */
  indexOf(leafHash: Uint8Array): Promise<number | undefined> {
    return this.#store.indexOf(leafHash);
  }

  /**
   * The indices of the entries of workflow `key`, or that carry a stitch naming the ECT `key` (spec §5.5),
   * ascending, at most `limit`.
   */
  workflow(key: string, limit: number): Promise<readonly number[]> {
    return this.#store.workflow(key, limit);
  }

  /**
   * Indexes the entries sequenced without the workflow index (before it existed, or with `workflowIndex` off), in
   * transactions of at most `batch` entries, each recording its progress with its rows (spec §6). Stopped at any
   * point, it resumes where the last committed step ended; run again, it only reads the entries added since. Entries
   * added while it runs are read too: it returns once it has reached the log's size.
   */
  async backfillWorkflowIndex(options: WorkflowBackfillOptions = {}): Promise<WorkflowBackfillResult> {
    const batch = batchSize(options.batch, 'batch');
    let indexed = 0;
    for (;;) {
      const step = await this.#store.backfillWorkflows(keysOfLeaf, batch);
      indexed += step.indexed;
      if (step.next >= step.size) return { indexed, size: step.size };
    }
  }

  /** The checkpoint signed at `size`, if the log signed one at that size. */
  checkpointAt(size: number): Promise<string | undefined> {
    return this.#store.checkpointAt(size);
  }

  /**
   * The bytes of a tile of the latest tree (`tlog-tiles`): `width` hashes, or a bundle of `width` entries; undefined
   * when the tree does not hold that many yet. A partial tile's bytes never change, so any width the tree holds is
   * served, the widths of published checkpoints included.
   */
  async tile(tile: TileRef): Promise<Uint8Array | undefined> {
    const size = await this.#size();
    if (tile.width < 1 || tile.width > tileWidthAt(tile.level, tile.index, size)) return undefined;
    const from = tile.index * TILE_WIDTH;
    if (tile.level === 'entries') return encodeEntryBundle(await this.#store.entries(from, from + tile.width));
    const hashes = await this.#store.hashRange(hashLevelOf(tile.level), from, from + tile.width);
    const out = new Uint8Array(32 * hashes.length);
    hashes.forEach((h, i) => {
      out.set(h, 32 * i);
    });
    return out;
  }

  readonly #read: HashReader = (ids) => this.#store.hashes(ids);
  /** The right edges that proofs against recent tree heads share. */
  readonly #ranges = new RangeCache();

  async #size(): Promise<number> {
    return (await this.#store.state())?.size ?? 0;
  }

  async #checkSize(size: number, min: number): Promise<void> {
    const latest = await this.#size();
    if (!Number.isSafeInteger(size) || size < min || size > latest) {
      throw snError('ERR_INPUT_INVALID', `tree size ${size}, the log has ${latest} entries`);
    }
  }
}

import { grown } from '../log/grown.js';

/** Bytes per chunk: an entry (at most 65,535 bytes) always fits in a fresh one. */
const CHUNK = 2 ** 18;
/** Numbers per entry in `#where`: its chunk, its start and its end in that chunk. */
const WHERE = 3;

/**
 * Log entries in memory, their bytes copied back to back into chunks and their places kept in one typed array. A
 * view kept per entry cost more than the entry's bytes (a log of a million entries took a third less memory without
 * them), and every young-generation collection copied the views of the entries appended since the one before.
 */
export class EntryChunks {
  readonly #chunks: Uint8Array[] = [];
  /** Bytes used in the last chunk. */
  #used = 0;
  #where = new Uint32Array(WHERE * 1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends a copy of `entry`. */
  push(entry: Uint8Array): void {
    if (this.#chunks.length === 0 || this.#used + entry.length > CHUNK) {
      this.#chunks.push(new Uint8Array(Math.max(CHUNK, entry.length)));
      this.#used = 0;
    }
    const chunk = this.#chunks.length - 1;
    this.#chunks[chunk]!.set(entry, this.#used);
    if (WHERE * (this.#size + 1) > this.#where.length) this.#where = grown(this.#where, WHERE * (this.#size + 1));
    const at = WHERE * this.#size++;
    this.#where[at] = chunk;
    this.#where[at + 1] = this.#used;
    this.#where[at + 2] = this.#used + entry.length;
    this.#used += entry.length;
  }

  /**
   * Copies of the entries [from, to), which the caller checked are held: as from a durable store, what a reader is
   * given it may keep or change without touching the log.
   */
  slice(from: number, to: number): Uint8Array[] {
    const out = new Array<Uint8Array>(to - from);
    for (let i = from; i < to; i++) {
      const at = WHERE * i;
      out[i - from] = this.#chunks[this.#where[at]!]!.slice(this.#where[at + 1]!, this.#where[at + 2]!);
    }
    return out;
  }
}

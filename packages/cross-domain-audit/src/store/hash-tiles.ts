import { auError } from '../errors.js';
import { grown } from '../log/grown.js';
import type { HashId } from '../log/subtrees.js';

const HASH = 32;
/** Levels per tile: a tile's 32 + 16 + 8 + 4 + 2 hashes (1,984 bytes) fit in a 2 KiB slot. */
const HEIGHT = 5;
const WIDTH = 2 ** HEIGHT;
const SLOT = 2 * WIDTH * HASH;

/**
 * The stored hashes of a tree in memory, in tiles of {@link HEIGHT} levels: the tile that holds a hash also holds
 * its sibling and the siblings of its ancestors up to the tile's top. An audit path reads one hash per level. Kept
 * level by level, in a tree of a million entries each read of the lower levels landed on a page of its own, and a
 * proof waited for memory about as long as it computed; in tiles it touches one slot per five levels.
 */
export class HashTiles {
  /** Per row of tiles (levels 5r … 5r + 4), the slots back to back in a growing buffer. */
  readonly #rows: Uint8Array[] = [];
  /** Hashes stored per level. */
  readonly #counts: number[] = [];
  /** The bytes {@link read} loads ahead, kept so that the loads have a use and are not dropped as dead code. */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: written so that the loads ahead are kept
  #loaded = 0;

  /** Stores the hash of subtree `index` at `level`; the hashes of a level are stored in order. */
  push(level: number, index: number, hash: Uint8Array): void {
    if (index !== (this.#counts[level] ?? 0)) {
      throw auError('ERR_AU_STORE_FAILED', `hash ${level}/${index} written out of order`);
    }
    const at = offsetOf(level, index);
    const row = Math.floor(level / HEIGHT);
    let buf = this.#rows[row] ?? new Uint8Array(SLOT);
    if (at + HASH > buf.length) buf = grown(buf, at - (at % SLOT) + SLOT);
    this.#rows[row] = buf;
    buf.set(hash, at);
    this.#counts[level] = index + 1;
  }

  /**
   * Copies of the hashes of `ids`. Every hash is located and its first byte loaded before any is copied: loads that
   * do not wait on one another wait for memory together, where copying each in turn waited once per hash.
   */
  read(ids: readonly HashId[]): Uint8Array[] {
    const at = new Array<number>(ids.length);
    let loaded = 0;
    for (let i = 0; i < ids.length; i++) {
      const { level, index } = ids[i]!;
      if (!(index < (this.#counts[level] ?? 0))) {
        throw auError('ERR_AU_STORE_FAILED', `hash ${level}/${index} is not stored`);
      }
      at[i] = offsetOf(level, index);
      loaded |= this.#rows[Math.floor(level / HEIGHT)]![at[i]!]!;
    }
    const out = new Array<Uint8Array>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      out[i] = this.#rows[Math.floor(ids[i]!.level / HEIGHT)]!.slice(at[i]!, at[i]! + HASH);
    }
    this.#loaded = loaded;
    return out;
  }
}

/**
 * Where the hash of (`level`, `index`) lies in its row's buffer: its tile's slot, then the tile's lower levels
 * (32, 16, 8, 4 hashes), then its place in its own level of the tile.
 */
function offsetOf(level: number, index: number): number {
  const perTile = WIDTH >> (level % HEIGHT);
  const tile = Math.floor(index / perTile);
  return tile * SLOT + (2 * WIDTH - 2 * perTile + (index - tile * perTile)) * HASH;
}

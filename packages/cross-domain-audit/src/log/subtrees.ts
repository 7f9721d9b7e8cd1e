import { merkleNodeHash, sha256 } from '@safety-net/core';
import type { RangeCache } from './range-cache.js';

/**
 * A complete, aligned subtree: the 2^`level` leaves from `index` · 2^`level`. The log stores the hash of every such
 * subtree once it is complete (level 0 holds the leaf hashes), so any RFC 9162 subtree hash is a fold over at most
 * one stored hash per level: proofs read O(log n) hashes and appends write O(1) on average.
 */
export interface HashId {
  readonly level: number;
  readonly index: number;
}

/** A stored hash with its place in the tree. */
export interface StoredHash extends HashId {
  readonly hash: Uint8Array;
}

/** Reads stored hashes; every id asked for is of a complete subtree of the tree read. */
export type HashReader = (ids: readonly HashId[]) => Promise<readonly Uint8Array[]>;

/**
 * The complete subtrees that make up the leaves [from, to), largest first. For every range an RFC 9162 proof or root
 * names (its start a multiple of a power of two at least its length), the range's hash is their right fold.
 */
export function rangePieces(from: number, to: number): HashId[] {
  const pieces: HashId[] = [];
  let at = from;
  while (at < to) {
    // The largest subtree that starts at `at` (aligned to its size) and ends by `to`.
    const level = Math.min(alignmentOf(at), floorLog2(to - at));
    const width = powerOfTwo(level);
    pieces.push({ level, index: at / width });
    at += width;
  }
  return pieces;
}

const WORD = 2 ** 32;

/** 2^`level` for 0 ≤ level ≤ 53, by a shift below 2^31: `2 **` of a variable is a call, and proofs ask per hash. */
function powerOfTwo(level: number): number {
  return level < 31 ? 1 << level : 2 ** level;
}

/** The exponent of the largest power of two dividing `n` (a safe integer; 53 for 0), by 32-bit words. */
function alignmentOf(n: number): number {
  if (n === 0) return 53;
  const low = n >>> 0;
  return low === 0 ? 32 + alignmentOf(Math.floor(n / WORD)) : 31 - Math.clz32(low & -low);
}

/** ⌊log2 n⌋ of a safe integer n ≥ 1, by 32-bit words. */
function floorLog2(n: number): number {
  return n < WORD ? 31 - Math.clz32(n) : 32 + floorLog2(Math.floor(n / WORD));
}

/** The hash of a range from the hashes of its pieces: H(p0, H(p1, … pk)). */
export function foldPieces(hashes: readonly Uint8Array[]): Uint8Array {
  let out = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) out = merkleNodeHash(hashes[i]!, out);
  return out;
}

/** The ranges whose hashes form the audit path of leaf `index` in a tree of `size` (RFC 9162 §2.1.3.1), bottom-up. */
export function inclusionRanges(index: number, size: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let from = 0;
  let to = size;
  while (to - from > 1) {
    const k = splitPoint(to - from);
    if (index < from + k) {
      ranges.push([from + k, to]);
      to = from + k;
    } else {
      ranges.push([from, from + k]);
      from += k;
    }
  }
  return ranges.reverse();
}

/** The ranges whose hashes form the consistency proof from `size1` to `size2` (RFC 9162 §2.1.4.1), in order. */
export function consistencyRanges(size1: number, size2: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let m = size1;
  let from = 0;
  let to = size2;
  let complete = true;
  while (m !== to - from) {
    const k = splitPoint(to - from);
    if (m <= k) {
      ranges.push([from + k, to]);
      to = from + k;
    } else {
      ranges.push([from, from + k]);
      m -= k;
      from += k;
      complete = false;
    }
  }
  if (!complete) ranges.push([from, to]);
  return ranges.reverse();
}

/**
 * The hashes of `ranges`, reading every piece they need in one call; `cache` keeps those of several pieces. Most
 * ranges of a proof are one complete subtree, read as it is stored: no cache lookup, no fold.
 */
export async function rangeHashes(
  read: HashReader,
  ranges: ReadonlyArray<[number, number]>,
  cache?: RangeCache,
): Promise<Uint8Array[]> {
  const ids: HashId[] = [];
  // Per range: its cached hash, or how many of the pieces read it folds.
  const plan: Array<Uint8Array | number> = [];
  for (const [from, to] of ranges) {
    const single = subtreeOf(from, to);
    if (single !== undefined) {
      ids.push(single);
      plan.push(1);
      continue;
    }
    const cached = cache?.get(from, to);
    if (cached !== undefined) {
      plan.push(cached);
      continue;
    }
    const pieces = rangePieces(from, to);
    for (const p of pieces) ids.push(p);
    plan.push(pieces.length);
  }
  const hashes = await read(ids);
  let at = 0;
  return plan.map((step, i) => {
    if (typeof step !== 'number') return step;
    at += step;
    if (step === 1) return hashes[at - 1]!;
    const hash = foldPieces(hashes.slice(at - step, at));
    cache?.set(ranges[i]![0], ranges[i]![1], hash);
    return hash;
  });
}

/** The stored subtree that is exactly the leaves [from, to), if any: a power-of-two width that divides `from`. */
function subtreeOf(from: number, to: number): HashId | undefined {
  const width = to - from;
  if (width < 1) return undefined;
  const level = floorLog2(width);
  return powerOfTwo(level) === width && from % width === 0 ? { level, index: from / width } : undefined;
}

const EMPTY_ROOT = sha256(new Uint8Array(0));

/** The RFC 9162 root of the first `size` leaves (SHA-256 of nothing for the empty tree). */
export async function rootAt(read: HashReader, size: number): Promise<Uint8Array> {
  if (size === 0) return EMPTY_ROOT;
  return (await rangeHashes(read, [[0, size]]))[0]!;
}

/**
 * The stored hashes an append of `leafHashes` at `oldSize` creates, and the new root. `frontier` holds the hashes
 * of `rangePieces(0, oldSize)`: the right edge of the tree, the only stored hashes an append reads. The edge is a
 * stack of complete subtrees, largest first; a new leaf merges with equal-sized neighbours as a binary counter
 * carries.
 */
export function appendHashes(
  oldSize: number,
  frontier: readonly Uint8Array[],
  leafHashes: readonly Uint8Array[],
): { hashes: StoredHash[]; root: Uint8Array } {
  const edge: StoredHash[] = rangePieces(0, oldSize).map((id, i) => ({ ...id, hash: frontier[i]! }));
  const hashes: StoredHash[] = [];
  for (let i = 0; i < leafHashes.length; i++) {
    let node: StoredHash = { level: 0, index: oldSize + i, hash: leafHashes[i]! };
    hashes.push(node);
    while (edge.length > 0 && edge[edge.length - 1]!.level === node.level) {
      const left = edge.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: merkleNodeHash(left.hash, node.hash) };
      hashes.push(node);
    }
    edge.push(node);
  }
  const root = edge.length === 0 ? EMPTY_ROOT : foldPieces(edge.map((e) => e.hash));
  return { hashes, root };
}

function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

import { snError } from '../errors/classes.js';
import { bytesEqual } from '../util/bytes.js';
import { MERKLE_HASH_LENGTH, merkleLeafHash, merkleNodeHash, splitPoint } from './hash.js';
import { subtreeRoot } from './tree.js';

/**
 * The consistency proof (RFC 9162 §2.1.4.1) that the tree of the first `size1` leaves is a prefix of the tree of
 * `leaves`: an append-only log proves it never rewrote history. `ERR_MERKLE_INVALID` unless
 * 1 ≤ size1 ≤ leaves.length.
 *
 * @example
 * ```ts
 * const proof = consistencyProof(leaves, 3);
 * verifyConsistency({ size1: 3, size2: leaves.length, root1, root2, proof }); // true
 * ```
 */
export function consistencyProof(leaves: readonly Uint8Array[], size1: number): Uint8Array[] {
  checkPrefix(size1, leaves.length);
  return consistencyProofFromLeafHashes(leaves.map(merkleLeafHash), size1);
}

/**
 * {@link consistencyProof} over leaf hashes already computed (`merkleLeafHash` of each leaf), as a log that stores
 * its leaf hashes holds them. Same result, same `ERR_MERKLE_INVALID`.
 */
export function consistencyProofFromLeafHashes(hashes: readonly Uint8Array[], size1: number): Uint8Array[] {
  checkPrefix(size1, hashes.length);
  const proof: Uint8Array[] = [];
  // SUBPROOF(m, D[from:to], complete), unrolled: each step records a sibling subtree, bottom-up order at the end.
  let m = size1;
  let from = 0;
  let to = hashes.length;
  let complete = true;
  while (m !== to - from) {
    const k = splitPoint(to - from);
    if (m <= k) {
      proof.push(subtreeRoot(hashes, from + k, to));
      to = from + k;
    } else {
      proof.push(subtreeRoot(hashes, from, from + k));
      m -= k;
      from += k;
      complete = false;
    }
  }
  if (!complete) proof.push(subtreeRoot(hashes, from, to));
  return proof.reverse();
}

function checkPrefix(size1: number, size: number): void {
  if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > size) {
    throw snError('ERR_MERKLE_INVALID', `prefix of ${size1} in a tree of ${size}`);
  }
}

/** A consistency proof to check: both tree sizes and roots, and the proof. */
export interface ConsistencyProof {
  readonly size1: number;
  readonly size2: number;
  readonly root1: Uint8Array;
  readonly root2: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

const isPowerOfTwo = (n: number) => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

/** The roots a consistency proof recomputes: of the first tree (its prefix of `size1` leaves) and of the second. */
export interface ConsistencyRoots {
  readonly root1: Uint8Array;
  readonly root2: Uint8Array;
}

/**
 * The two roots a consistency proof from `size1` to `size2` recomputes with the algorithm of RFC 9162 §2.1.4.2,
 * undefined when the proof has not the shape those sizes need. When `size1` is a power of two the proof does not
 * fix the first root, which is then `seed` (the algorithm's `first_hash`; undefined without one); otherwise the
 * proof's hashes fix both. A proof whose second root is a signed tree head's thus fixes the root that tree gives
 * its first `size1` leaves. Low level: never throws; sizes must satisfy 1 ≤ size1 < size2.
 */
export function consistencyRoots(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  seed?: Uint8Array,
): ConsistencyRoots | undefined {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size1 >= size2) return undefined;
  if (proof.length > 2 * 53 || proof.some((h) => h.length !== MERKLE_HASH_LENGTH)) return undefined;
  let path: readonly Uint8Array[] = proof;
  if (isPowerOfTwo(size1)) {
    if (seed?.length !== MERKLE_HASH_LENGTH) return undefined;
    path = [seed, ...proof];
  }
  if (path.length === 0) return undefined;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      fr = merkleNodeHash(c, fr);
      sr = merkleNodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = merkleNodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? { root1: fr, root2: sr } : undefined;
}

/**
 * Verifies a consistency proof with the algorithm of RFC 9162 §2.1.4.2. A low-level check: false for any proof
 * that does not verify (including sizes out of order or hashes that are not 32 bytes), never throws.
 */
export function verifyConsistency(p: ConsistencyProof): boolean {
  const { size1, size2, root1, root2 } = p;
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size1 > size2) return false;
  if (root1.length !== MERKLE_HASH_LENGTH || root2.length !== MERKLE_HASH_LENGTH) return false;
  if (size1 === size2) return p.proof.length === 0 && bytesEqual(root1, root2);
  const roots = consistencyRoots(size1, size2, p.proof, root1);
  return roots !== undefined && bytesEqual(roots.root1, root1) && bytesEqual(roots.root2, root2);
}

import { bytesEqual } from '@safety-net/core';
import { bvError } from '../errors.js';
import { MERKLE_HASH_LENGTH, merkleLeafHash, merkleNodeHash, splitPoint } from './hash.js';
import { subtreeRoot } from './tree.js';

/**
 * The consistency proof (RFC 9162 §2.1.4.1) that the tree of the first `size1` leaves is a prefix of the tree of
 * `leaves`: an append-only log proves it never rewrote history. `ERR_BV_MERKLE_INVALID` unless
 * 1 ≤ size1 ≤ leaves.length.
 *
 * @example
 * ```ts
 * const proof = consistencyProof(leaves, 3);
 * verifyConsistency({ size1: 3, size2: leaves.length, root1, root2, proof }); // true
 * ```
 */
export function consistencyProof(leaves: readonly Uint8Array[], size1: number): Uint8Array[] {
  if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > leaves.length) {
    throw bvError('ERR_BV_MERKLE_INVALID', `prefix of ${size1} in a tree of ${leaves.length}`);
  }
  const hashes = leaves.map(merkleLeafHash);
  const proof: Uint8Array[] = [];
  // SUBPROOF(m, D[from:to], complete), unrolled: each step records a sibling subtree, bottom-up order at the end.
  let m = size1;
  let from = 0;
  let to = leaves.length;
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

/** A consistency proof to check: both tree sizes and roots, and the proof. */
export interface ConsistencyProof {
  readonly size1: number;
  readonly size2: number;
  readonly root1: Uint8Array;
  readonly root2: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

const isPowerOfTwo = (n: number) => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

/**
 * Verifies a consistency proof with the algorithm of RFC 9162 §2.1.4.2. A low-level check: false for any proof
 * that does not verify (including sizes out of order or hashes that are not 32 bytes), never throws.
 */
export function verifyConsistency(p: ConsistencyProof): boolean {
  const { size1, size2, root1, root2 } = p;
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size1 > size2) return false;
  if (root1.length !== MERKLE_HASH_LENGTH || root2.length !== MERKLE_HASH_LENGTH) return false;
  if (p.proof.length > 2 * 53 || p.proof.some((h) => h.length !== MERKLE_HASH_LENGTH)) return false;
  if (size1 === size2) return p.proof.length === 0 && bytesEqual(root1, root2);
  const path = isPowerOfTwo(size1) ? [root1, ...p.proof] : [...p.proof];
  if (path.length === 0) return false;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
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
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}

import { sha256 } from '@noble/hashes/sha2.js';
import { bvError } from '../errors.js';
import { merkleLeafHash, merkleNodeHash, splitPoint } from './hash.js';

/**
 * The Merkle Tree Hash of RFC 9162 §2.1.1 over `leaves` (the leaf data, hashed here with the 0x00 prefix). The
 * empty tree hashes to SHA-256 of the empty string. Used for the observation commitment of a BET and reusable by
 * any package that commits to an ordered list.
 *
 * @example
 * ```ts
 * const root = merkleRoot(observationDigests);
 * ```
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  return subtreeRoot(leaves.map(merkleLeafHash), 0, leaves.length);
}

/** MTH over leaf hashes [from, to); `to - from ≥ 1`. Recursion depth is log2 of the size. */
export function subtreeRoot(hashes: readonly Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from;
  if (n === 1) return hashes[from]!;
  const k = splitPoint(n);
  return merkleNodeHash(subtreeRoot(hashes, from, from + k), subtreeRoot(hashes, from + k, to));
}

/**
 * The audit path (RFC 9162 §2.1.3.1) proving that leaf `index` is in the tree of `leaves`, sibling hashes from the
 * leaf upwards. `ERR_BV_MERKLE_INVALID` when `index` is not a leaf of the tree.
 *
 * @example
 * ```ts
 * const path = inclusionProof(leaves, 5);
 * verifyInclusion({ leaf: leaves[5], index: 5, size: leaves.length, path, root: merkleRoot(leaves) }); // true
 * ```
 */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leaves.length) {
    throw bvError('ERR_BV_MERKLE_INVALID', `leaf ${index} of a tree of ${leaves.length}`);
  }
  const hashes = leaves.map(merkleLeafHash);
  const path: Uint8Array[] = [];
  let from = 0;
  let to = leaves.length;
  // Walk down from the root, collecting the sibling subtree at each level; the path lists them bottom-up.
  while (to - from > 1) {
    const k = splitPoint(to - from);
    if (index < from + k) {
      path.push(subtreeRoot(hashes, from + k, to));
      to = from + k;
    } else {
      path.push(subtreeRoot(hashes, from, from + k));
      from += k;
    }
  }
  return path.reverse();
}

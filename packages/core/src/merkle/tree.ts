import { sha256 } from '../crypto/sha256.js';
import { snError } from '../errors/classes.js';
import { merkleLeafHash, merkleNodeHash, splitPoint } from './hash.js';

/**
 * The Merkle Tree Hash of RFC 9162 §2.1.1 over `leaves` (the leaf data, hashed here with the 0x00 prefix). The
 * empty tree hashes to SHA-256 of the empty string. Used for the observation commitment of a BET, for transparency
 * logs, and by any package that commits to an ordered list.
 *
 * @example
 * ```ts
 * const root = merkleRoot(observationDigests);
 * ```
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return merkleRootFromLeafHashes(leaves.map(merkleLeafHash));
}

/** {@link merkleRoot} over leaf hashes already computed (`merkleLeafHash` of each leaf). */
export function merkleRootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return sha256(new Uint8Array(0));
  return subtreeRoot(hashes, 0, hashes.length);
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
 * leaf upwards. `ERR_MERKLE_INVALID` when `index` is not a leaf of the tree.
 *
 * @example
 * ```ts
 * const path = inclusionProof(leaves, 5);
 * verifyInclusion({ leaf: leaves[5], index: 5, size: leaves.length, path, root: merkleRoot(leaves) }); // true
 * ```
 */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  checkIndex(index, leaves.length);
  return inclusionProofFromLeafHashes(leaves.map(merkleLeafHash), index);
}

/**
 * {@link inclusionProof} over leaf hashes already computed (`merkleLeafHash` of each leaf), as a log that stores
 * its leaf hashes holds them. Same result, same `ERR_MERKLE_INVALID`.
 */
export function inclusionProofFromLeafHashes(hashes: readonly Uint8Array[], index: number): Uint8Array[] {
  checkIndex(index, hashes.length);
  const path: Uint8Array[] = [];
  let from = 0;
  let to = hashes.length;
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

function checkIndex(index: number, size: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw snError('ERR_MERKLE_INVALID', `leaf ${index} of a tree of ${size}`);
  }
}

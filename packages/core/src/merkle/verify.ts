import { bytesEqual } from '../util/bytes.js';
import { MERKLE_HASH_LENGTH, merkleLeafHash, merkleNodeHash } from './hash.js';

/** An inclusion proof to check: the leaf data, its index, the tree size, the audit path and the expected root. */
export interface InclusionProof {
  readonly leaf: Uint8Array;
  readonly index: number;
  readonly size: number;
  readonly path: readonly Uint8Array[];
  readonly root: Uint8Array;
}

/** Longest audit path accepted: a tree of at most 2^53 leaves has at most 53 levels. */
const MAX_PATH_LENGTH = 53;

/**
 * Verifies an inclusion proof with the algorithm of RFC 9162 §2.1.3.2. A low-level check: returns false for any
 * proof that does not verify (wrong root, index outside the tree, path of the wrong length or with hashes that are
 * not 32 bytes), never throws.
 *
 * @example
 * ```ts
 * if (!verifyInclusion({ leaf, index, size, path, root })) refuse();
 * ```
 */
export function verifyInclusion(proof: InclusionProof): boolean {
  const { index, size, path } = proof;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (path.length > MAX_PATH_LENGTH || proof.root.length !== MERKLE_HASH_LENGTH) return false;
  let fn = index;
  let sn = size - 1;
  let r = merkleLeafHash(proof.leaf);
  for (const p of path) {
    if (sn === 0 || p.length !== MERKLE_HASH_LENGTH) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = merkleNodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = merkleNodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(r, proof.root);
}

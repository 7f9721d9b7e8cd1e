/**
 * The RFC 9162 Merkle tree lives in `@safety-net/core` (one implementation, shared with the audit log). This package
 * re-exports it so that its public API stays as it was: the verifiers, hashes and root are core's functions as they
 * are; the two proof generators keep reporting `ERR_BV_MERKLE_INVALID` (core reports `ERR_MERKLE_INVALID`), so code
 * that matched this package's code keeps working.
 */
import {
  consistencyProof as coreConsistencyProof,
  inclusionProof as coreInclusionProof,
  isSafetyNetError,
} from '@safety-net/core';
import { bvError } from '../errors.js';

export {
  type ConsistencyProof,
  type InclusionProof,
  MERKLE_HASH_LENGTH,
  merkleLeafHash,
  merkleNodeHash,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from '@safety-net/core';

function asBvError<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isSafetyNetError(e, 'ERR_MERKLE_INVALID')) throw bvError('ERR_BV_MERKLE_INVALID', e.message, { cause: e });
    throw e;
  }
}

/**
 * Core's `inclusionProof` (RFC 9162 §2.1.3.1), reporting an index outside the tree as `ERR_BV_MERKLE_INVALID`.
 *
 * @example
 * ```ts
 * const path = inclusionProof(leaves, 5);
 * ```
 */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  return asBvError(() => coreInclusionProof(leaves, index));
}

/**
 * Core's `consistencyProof` (RFC 9162 §2.1.4.1), reporting a prefix outside the tree as `ERR_BV_MERKLE_INVALID`.
 *
 * @example
 * ```ts
 * const proof = consistencyProof(leaves, 3);
 * ```
 */
export function consistencyProof(leaves: readonly Uint8Array[], size1: number): Uint8Array[] {
  return asBvError(() => coreConsistencyProof(leaves, size1));
}

import { verifyConsistency, verifyInclusion } from '@safety-net/core';
import { auError } from '../errors.js';

/** An entry's inclusion claim: the leaf bytes, where they sit, the audit path and the root they should reach. */
export interface EntryInclusion {
  readonly entry: Uint8Array;
  readonly index: number;
  readonly size: number;
  readonly path: readonly Uint8Array[];
  readonly rootHash: Uint8Array;
}

/** Checks an inclusion proof (RFC 9162 §2.1.3.2); `ERR_AU_PROOF_INVALID` unless it verifies. */
export function verifyEntryInclusion(p: EntryInclusion): void {
  const ok = verifyInclusion({ leaf: p.entry, index: p.index, size: p.size, path: p.path, root: p.rootHash });
  if (!ok) throw auError('ERR_AU_PROOF_INVALID', `inclusion of entry ${p.index} in a tree of ${p.size}`);
}

/** Two tree heads and the proof that the first tree is a prefix of the second. */
export interface TreeConsistency {
  readonly size1: number;
  readonly rootHash1: Uint8Array;
  readonly size2: number;
  readonly rootHash2: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

/**
 * Checks a consistency proof (RFC 9162 §2.1.4.2); `ERR_AU_PROOF_INVALID` unless it verifies. From the empty tree
 * only an empty proof is accepted: the empty tree is a prefix of every tree.
 */
export function verifyTreeConsistency(p: TreeConsistency): void {
  if (p.size1 === 0 && p.size2 >= 0 && p.proof.length === 0) return;
  const ok = verifyConsistency({
    size1: p.size1,
    size2: p.size2,
    root1: p.rootHash1,
    root2: p.rootHash2,
    proof: p.proof,
  });
  if (!ok) throw auError('ERR_AU_PROOF_INVALID', `consistency of ${p.size1} with ${p.size2}`);
}

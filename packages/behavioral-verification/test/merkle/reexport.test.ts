import * as core from '@safety-net/core';
import { fromHex, toHex } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../../../../test-support/shared.js';
import * as bv from '../../src/index.js';

// The Merkle tree is core's; this package re-exports it and keeps its own error code for proofs outside the tree.
describe('Merkle re-exports', () => {
  it('are core functions, except the two proof generators that keep ERR_BV_MERKLE_INVALID', () => {
    expect(bv.merkleRoot).toBe(core.merkleRoot);
    expect(bv.merkleLeafHash).toBe(core.merkleLeafHash);
    expect(bv.merkleNodeHash).toBe(core.merkleNodeHash);
    expect(bv.verifyInclusion).toBe(core.verifyInclusion);
    expect(bv.verifyConsistency).toBe(core.verifyConsistency);
    expect(bv.MERKLE_HASH_LENGTH).toBe(core.MERKLE_HASH_LENGTH);
    const leaves = Array.from({ length: 7 }, (_, i) => Uint8Array.of(i));
    for (let i = 0; i < leaves.length; i++)
      expect(bv.inclusionProof(leaves, i)).toEqual(core.inclusionProof(leaves, i));
    for (let m = 1; m <= leaves.length; m++) {
      expect(bv.consistencyProof(leaves, m)).toEqual(core.consistencyProof(leaves, m));
    }
  });

  it('report an index or prefix outside the tree as ERR_BV_MERKLE_INVALID', () => {
    const leaves = [Uint8Array.of(1), Uint8Array.of(2)];
    const bvCode = expect.objectContaining({ code: 'ERR_BV_MERKLE_INVALID' });
    for (const i of [2, -1, 0.5]) expect(() => bv.inclusionProof(leaves, i)).toThrow(bvCode);
    for (const m of [0, 3, 1.5]) expect(() => bv.consistencyProof(leaves, m)).toThrow(bvCode);
    expect(() => bv.inclusionProof(leaves, 2)).toThrow(bv.BvError);
  });
});

interface ReferenceTree {
  leaves_hex: string[];
  inclusion: { size: number; index: number; path_hex: string[] }[];
  consistency: { size1: number; size2: number; proof_hex: string[] }[];
}

const VECTORS = 'external-vectors/merkle/rfc9162-reference-tree.json';

describeShared<ReferenceTree>('RFC 9162 reference tree through this package', VECTORS, (tree) => {
  it('produces the published audit paths and consistency proofs', () => {
    const leaves = tree.leaves_hex.map(fromHex);
    for (const v of tree.inclusion) {
      expect(bv.inclusionProof(leaves.slice(0, v.size), v.index).map(toHex)).toEqual(v.path_hex);
    }
    for (const v of tree.consistency) {
      expect(bv.consistencyProof(leaves.slice(0, v.size2), v.size1).map(toHex)).toEqual(v.proof_hex);
    }
  });
});

import {
  consistencyProof,
  consistencyProofFromLeafHashes,
  consistencyRoots,
  fromHex,
  merkleLeafHash,
  merkleRoot,
  toHex,
  verifyConsistency,
} from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../../../../test-support/shared.js';

interface ReferenceTree {
  leaves_hex: string[];
  consistency: { size1: number; size2: number; proof_hex: string[]; root1_hex: string; root2_hex: string }[];
}

const VECTORS = 'external-vectors/merkle/rfc9162-reference-tree.json';

describeShared<ReferenceTree>('RFC 9162 reference consistency proofs', VECTORS, (tree) => {
  const leaves = tree.leaves_hex.map(fromHex);

  it('produces and verifies the published proofs', () => {
    expect(tree.consistency.length).toBeGreaterThan(0);
    for (const v of tree.consistency) {
      const prefix = leaves.slice(0, v.size2);
      expect(consistencyProof(prefix, v.size1).map(toHex)).toEqual(v.proof_hex);
      const proof = { size1: v.size1, size2: v.size2, root1: fromHex(v.root1_hex), root2: fromHex(v.root2_hex) };
      expect(verifyConsistency({ ...proof, proof: v.proof_hex.map(fromHex) })).toBe(true);
      expect(verifyConsistency({ ...proof, proof: v.proof_hex.slice(1).map(fromHex) })).toBe(false);
    }
  });
});

describe('consistency proofs', () => {
  const treeArb = fc
    .uniqueArray(fc.uint8Array({ maxLength: 4 }), { minLength: 1, maxLength: 70, selector: toHex })
    .chain((leaves) => fc.tuple(fc.constant(leaves), fc.integer({ min: 1, max: leaves.length })));

  it('every prefix of every tree proves consistent, and tampering breaks the proof', () => {
    fc.assert(
      fc.property(treeArb, ([leaves, size1]) => {
        const size2 = leaves.length;
        const root1 = merkleRoot(leaves.slice(0, size1));
        const root2 = merkleRoot(leaves);
        const proof = consistencyProof(leaves, size1);
        expect(consistencyProofFromLeafHashes(leaves.map(merkleLeafHash), size1)).toEqual(proof);
        expect(verifyConsistency({ size1, size2, root1, root2, proof })).toBe(true);
        if (size1 < size2) {
          const otherRoot = merkleRoot([...leaves.slice(0, size1 - 1), Uint8Array.of(7, 7, 7, 7, 7)]);
          expect(verifyConsistency({ size1, size2, root1: otherRoot, root2, proof })).toBe(false);
          expect(verifyConsistency({ size1, size2, root1, root2: root1, proof })).toBe(false);
          const flipped = proof.map((h, i) => (i === proof.length - 1 ? h.map((b, j) => (j === 0 ? b ^ 1 : b)) : h));
          expect(verifyConsistency({ size1, size2, root1, root2, proof: flipped })).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on garbage proofs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2, max: 1 << 20 }),
        fc.integer({ min: -2, max: 1 << 20 }),
        fc.uint8Array({ minLength: 31, maxLength: 33 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.uint8Array({ minLength: 31, maxLength: 33 }), { maxLength: 40 }),
        (size1, size2, root1, root2, proof) => {
          expect(typeof verifyConsistency({ size1, size2, root1, root2, proof })).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses prefixes outside the tree with ERR_MERKLE_INVALID', () => {
    const leaves = [Uint8Array.of(1), Uint8Array.of(2)];
    for (const m of [0, 3, -1, 1.5]) {
      expect(() => consistencyProof(leaves, m)).toThrow(expect.objectContaining({ code: 'ERR_MERKLE_INVALID' }));
      const hashes = leaves.map(merkleLeafHash);
      expect(() => consistencyProofFromLeafHashes(hashes, m)).toThrow(
        expect.objectContaining({ code: 'ERR_MERKLE_INVALID' }),
      );
    }
  });
});

describe('consistencyRoots', () => {
  const leaves = Array.from({ length: 23 }, (_, i) => new TextEncoder().encode(`leaf ${i}`));

  it('recomputes both roots of every prefix; a power-of-two prefix only from its seed', () => {
    for (let n = 2; n <= leaves.length; n++) {
      for (let m = 1; m < n; m++) {
        const proof = consistencyProof(leaves.slice(0, n), m);
        const [root1, root2] = [merkleRoot(leaves.slice(0, m)), merkleRoot(leaves.slice(0, n))];
        const powerOfTwo = (m & (m - 1)) === 0;
        expect(consistencyRoots(m, n, proof, root1)).toEqual({ root1, root2 });
        if (powerOfTwo) expect(consistencyRoots(m, n, proof)).toBeUndefined();
        else expect(consistencyRoots(m, n, proof)).toEqual({ root1, root2 });
      }
    }
  });

  it('gives the prefix root of the larger tree when a smaller tree was another', () => {
    // Two trees sharing 2 leaves, then diverging: the proof of the larger fixes its own prefix of 3, not the other's.
    const other = [...leaves.slice(0, 2), new TextEncoder().encode('rewritten')];
    const roots = consistencyRoots(3, 7, consistencyProof(leaves.slice(0, 7), 3));
    expect(roots?.root1).toEqual(merkleRoot(leaves.slice(0, 3)));
    expect(roots?.root1).not.toEqual(merkleRoot(other));
  });

  it('is undefined for proofs of the wrong shape or sizes out of order', () => {
    const proof = consistencyProof(leaves.slice(0, 7), 3);
    expect(consistencyRoots(3, 7, proof.slice(1))).toBeUndefined();
    expect(consistencyRoots(3, 7, [...proof, proof[0]!])).toBeUndefined();
    expect(consistencyRoots(3, 3, [])).toBeUndefined();
    expect(consistencyRoots(0, 7, proof)).toBeUndefined();
    expect(consistencyRoots(3, 7, [new Uint8Array(31), ...proof.slice(1)])).toBeUndefined();
  });
});

import { sha256 } from '@noble/hashes/sha2.js';
import {
  fromHex,
  inclusionProof,
  inclusionProofFromLeafHashes,
  MerkleError,
  merkleLeafHash,
  merkleRoot,
  merkleRootFromLeafHashes,
  toHex,
  verifyInclusion,
} from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../../../../test-support/shared.js';

interface ReferenceTree {
  leaves_hex: string[];
  roots: { size: number; root_hex: string }[];
  inclusion: { size: number; index: number; leaf_hex: string; path_hex: string[]; root_hex: string }[];
}

const VECTORS = 'external-vectors/merkle/rfc9162-reference-tree.json';

describeShared<ReferenceTree>('RFC 9162 reference tree', VECTORS, (tree) => {
  const leaves = tree.leaves_hex.map(fromHex);

  it('reproduces the root of every prefix of the 8-leaf tree', () => {
    expect(tree.roots).toHaveLength(8);
    for (const { size, root_hex } of tree.roots) expect(toHex(merkleRoot(leaves.slice(0, size)))).toBe(root_hex);
  });

  it('produces and verifies the published audit paths', () => {
    for (const v of tree.inclusion) {
      const prefix = leaves.slice(0, v.size);
      expect(toHex(prefix[v.index]!)).toBe(v.leaf_hex);
      expect(inclusionProof(prefix, v.index).map(toHex)).toEqual(v.path_hex);
      const proof = { leaf: fromHex(v.leaf_hex), index: v.index, size: v.size, path: v.path_hex.map(fromHex) };
      expect(verifyInclusion({ ...proof, root: fromHex(v.root_hex) })).toBe(true);
    }
  });
});

describe('Merkle tree hash', () => {
  it('hashes the empty tree to SHA-256 of nothing (RFC 9162 §2.1.1)', () => {
    expect(toHex(merkleRoot([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches a direct transcription of the RFC definition on random trees', () => {
    // Independent oracle: the recursive definition written with plain array slicing.
    const leafHash = (d: Uint8Array) => sha256(Uint8Array.of(0, ...d));
    const mth = (d: Uint8Array[]): Uint8Array => {
      if (d.length === 1) return leafHash(d[0]!);
      let k = 1;
      while (k << 1 < d.length) k <<= 1;
      return sha256(Uint8Array.of(1, ...mth(d.slice(0, k)), ...mth(d.slice(k))));
    };
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 40 }), (leaves) => {
        expect(toHex(merkleRoot(leaves))).toBe(toHex(mth(leaves)));
      }),
      { numRuns: 200 },
    );
  });

  it('hashes leaves of every length, in any order, as SHA-256(0x00 || leaf)', () => {
    // Leaf inputs are views of one scratch buffer kept per length: lengths revisited, shrinking and growing, and
    // past the scratch's 4,096 bytes must each hash only their own bytes.
    const oracle = (d: Uint8Array) => toHex(sha256(Uint8Array.of(0, ...d)));
    const lengths = [0, 1, 70, 4094, 4095, 4096, 70, 5000, 1, 4095, 0];
    for (const [i, n] of lengths.entries()) {
      const leaf = Uint8Array.from({ length: n }, (_, j) => (i * 31 + j) & 0xff);
      expect(toHex(merkleLeafHash(leaf))).toBe(oracle(leaf));
    }
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (leaves) => {
        for (const leaf of leaves) expect(toHex(merkleLeafHash(leaf))).toBe(oracle(leaf));
      }),
      { numRuns: 100 },
    );
  });
});

describe('inclusion proofs', () => {
  // Distinct leaves: with two equal leaves one audit path can legitimately prove either position.
  const leavesArb = fc.uniqueArray(fc.uint8Array({ maxLength: 4 }), { minLength: 1, maxLength: 70, selector: toHex });

  it('every leaf of every tree proves its inclusion, and only at its own index', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), (leaves, pick) => {
        const index = pick % leaves.length;
        const root = merkleRoot(leaves);
        const path = inclusionProof(leaves, index);
        const size = leaves.length;
        const hashes = leaves.map(merkleLeafHash);
        expect(inclusionProofFromLeafHashes(hashes, index)).toEqual(path);
        expect(merkleRootFromLeafHashes(hashes)).toEqual(root);
        expect(verifyInclusion({ leaf: leaves[index]!, index, size, path, root })).toBe(true);
        if (size > 1) {
          const other = (index + 1) % size;
          expect(verifyInclusion({ leaf: leaves[index]!, index: other, size, path, root })).toBe(false);
        }
        expect(verifyInclusion({ leaf: Uint8Array.of(9, 9, 9, 9, 9), index, size, path, root })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects tampered paths, sizes and roots', () => {
    const leaves = Array.from({ length: 11 }, (_, i) => Uint8Array.of(i));
    const root = merkleRoot(leaves);
    // The last leaf: its path shape depends on the size, so a wrong size cannot verify.
    const path = inclusionProof(leaves, 10);
    const ok = { leaf: leaves[10]!, index: 10, size: 11, path, root };
    expect(verifyInclusion(ok)).toBe(true);
    const flipped = path.map((p, i) => (i === 1 ? p.map((b, j) => (j === 0 ? b ^ 1 : b)) : p));
    expect(verifyInclusion({ ...ok, path: flipped })).toBe(false);
    expect(verifyInclusion({ ...ok, path: path.slice(1) })).toBe(false);
    expect(verifyInclusion({ ...ok, path: [...path, path[0]!] })).toBe(false);
    expect(verifyInclusion({ ...ok, path: path.map((p) => p.subarray(1)) })).toBe(false);
    expect(verifyInclusion({ ...ok, size: 12 })).toBe(false);
    expect(verifyInclusion({ ...ok, size: 10 })).toBe(false);
    expect(verifyInclusion({ ...ok, index: 11 })).toBe(false);
    expect(verifyInclusion({ ...ok, index: -1 })).toBe(false);
    expect(verifyInclusion({ ...ok, index: 0.5 })).toBe(false);
    expect(verifyInclusion({ ...ok, root: root.subarray(1) })).toBe(false);
  });

  it('never throws on garbage proofs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 8 }),
        fc.integer({ min: -3, max: 1 << 20 }),
        fc.integer({ min: -3, max: 1 << 20 }),
        fc.array(fc.uint8Array({ minLength: 31, maxLength: 33 }), { maxLength: 60 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (leaf, index, size, path, root) => {
          expect(typeof verifyInclusion({ leaf, index, size, path, root })).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses an index outside the tree with ERR_MERKLE_INVALID', () => {
    for (const [n, i] of [
      [0, 0],
      [3, 3],
      [3, -1],
      [3, 1.5],
    ] as const) {
      const leaves = Array.from({ length: n }, () => new Uint8Array(0));
      expect(() => inclusionProof(leaves, i)).toThrow(expect.objectContaining({ code: 'ERR_MERKLE_INVALID' }));
      expect(() => inclusionProof(leaves, i)).toThrow(MerkleError);
    }
  });
});

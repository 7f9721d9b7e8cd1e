import {
  consistencyProof,
  fromHex,
  inclusionProof,
  merkleLeafHash,
  merkleRoot,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../../../../test-support/shared.js';
import { consistencyRanges, inclusionRanges, rangeHashes, rangePieces, rootAt } from '../../src/log/subtrees.js';
import { hashTree } from '../support/hash-tree.js';

interface ReferenceTree {
  leaves_hex: string[];
  roots: { size: number; root_hex: string }[];
  inclusion: { size: number; index: number; path_hex: string[]; root_hex: string }[];
  consistency: { size1: number; size2: number; proof_hex: string[] }[];
}

const VECTORS = 'external-vectors/merkle/rfc9162-reference-tree.json';

describeShared<ReferenceTree>('the stored-hash tree on the RFC 9162 reference tree', VECTORS, (ref) => {
  const leafHashes = ref.leaves_hex.map((h) => merkleLeafHash(fromHex(h)));
  // One leaf per batch: every size of the reference tree is a tree head of ours.
  const tree = hashTree(
    leafHashes,
    leafHashes.map(() => 1),
  );

  it('has the published roots at every size', async () => {
    expect(ref.roots.length).toBe(8);
    for (const r of ref.roots) {
      expect(toHex(tree.roots[r.size - 1]!)).toBe(r.root_hex);
      expect(toHex(await rootAt(tree.read, r.size))).toBe(r.root_hex);
    }
  });

  it('produces the published inclusion and consistency proofs', async () => {
    expect(ref.inclusion.length).toBeGreaterThan(0);
    for (const v of ref.inclusion) {
      const path = await rangeHashes(tree.read, inclusionRanges(v.index, v.size));
      expect(path.map(toHex)).toEqual(v.path_hex);
    }
    expect(ref.consistency.length).toBeGreaterThan(0);
    for (const v of ref.consistency) {
      const proof = await rangeHashes(tree.read, consistencyRanges(v.size1, v.size2));
      expect(proof.map(toHex)).toEqual(v.proof_hex);
    }
  });
});

describe('the stored-hash tree against core', () => {
  const treeArb = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }).chain((batches) =>
    fc.tuple(
      fc.constant(batches),
      fc.array(fc.uint8Array({ maxLength: 6 }), {
        minLength: batches.reduce((a, b) => a + b, 0),
        maxLength: batches.reduce((a, b) => a + b, 0),
      }),
    ),
  );

  it('appended in any batches, gives core’s roots and proofs at every size, and they verify', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, async ([batches, leaves]) => {
        const tree = hashTree(leaves.map(merkleLeafHash), batches);
        let size = 0;
        for (const [b, n] of batches.entries()) {
          size += n;
          expect(toHex(tree.roots[b]!)).toBe(toHex(merkleRoot(leaves.slice(0, size))));
        }
        const n = leaves.length;
        const root = merkleRoot(leaves);
        for (let i = 0; i < n; i++) {
          const path = await rangeHashes(tree.read, inclusionRanges(i, n));
          expect(path.map(toHex)).toEqual(inclusionProof(leaves, i).map(toHex));
          expect(verifyInclusion({ leaf: leaves[i]!, index: i, size: n, path, root })).toBe(true);
        }
        for (let m = 1; m <= n; m++) {
          const proof = await rangeHashes(tree.read, consistencyRanges(m, n));
          expect(proof.map(toHex)).toEqual(consistencyProof(leaves, m).map(toHex));
          const root1 = merkleRoot(leaves.slice(0, m));
          expect(verifyConsistency({ size1: m, size2: n, root1, root2: root, proof })).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('reads O(log n) hashes for a proof in a large tree', async () => {
    const n = 70_000;
    const leafHashes = Array.from({ length: n }, (_, i) => merkleLeafHash(Uint8Array.of(i & 255, i >> 8, i >> 16)));
    const tree = hashTree(leafHashes, [50_000, 20_000]);
    let reads = 0;
    const counting = async (ids: Parameters<typeof tree.read>[0]) => {
      reads += ids.length;
      return tree.read(ids);
    };
    await rangeHashes(counting, inclusionRanges(12_345, n));
    expect(reads).toBeLessThanOrEqual(2 * 17);
    reads = 0;
    await rangeHashes(counting, consistencyRanges(33_333, n));
    expect(reads).toBeLessThanOrEqual(2 * 17);
  });
});

describe('rangePieces', () => {
  /** The definition, one level at a time: grow while `at` stays aligned and the piece stays inside the range. */
  function reference(from: number, to: number): { level: number; index: number }[] {
    const pieces = [];
    let at = from;
    while (at < to) {
      let level = 0;
      while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= to) level++;
      pieces.push({ level, index: at / 2 ** level });
      at += 2 ** level;
    }
    return pieces;
  }

  it('splits any range into the largest aligned subtrees, up to indices of 2^52', () => {
    const index = fc.oneof(fc.nat(5_000), fc.integer({ min: 0, max: 2 ** 52 }));
    fc.assert(
      fc.property(index, fc.nat(70_000), (from, length) => {
        expect(rangePieces(from, from + length)).toEqual(reference(from, from + length));
      }),
      { numRuns: 2_000 },
    );
    expect(rangePieces(2 ** 40, 2 ** 41)).toEqual([{ level: 40, index: 1 }]);
    expect(rangePieces(0, 2 ** 52 + 3)).toEqual([
      { level: 52, index: 0 },
      { level: 1, index: 2 ** 51 },
      { level: 0, index: 2 ** 52 + 2 },
    ]);
  });
});

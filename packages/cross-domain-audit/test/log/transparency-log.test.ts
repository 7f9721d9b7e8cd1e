import { isSafetyNetError, merkleRoot } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeLogEntry } from '../../src/log/entry.js';
import { TransparencyLog } from '../../src/log/transparency-log.js';
import { verifyEntryInclusion, verifyTreeConsistency } from '../../src/log/verify.js';
import { MemoryLogStore } from '../../src/store/memory-log-store.js';
import { ORIGIN, sampleEntry, testLog } from '../support/log-fixture.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
    return undefined;
  } catch (e) {
    return isSafetyNetError(e) ? e.code : String(e);
  }
};

describe('the transparency log', () => {
  it('appended n entries: every inclusion and consistency proof verifies; tampering is ERR_AU_PROOF_INVALID', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 1, max: 9 }), async (n, batch) => {
        const log = testLog(new MemoryLogStore(), batch);
        await log.append(Array.from({ length: n }, (_, i) => sampleEntry(i)));
        const leaves = Array.from({ length: n }, (_, i) => encodeLogEntry(sampleEntry(i)));
        const { size, rootHash } = await log.treeHead();
        expect(rootHash).toEqual(merkleRoot(leaves));
        for (let index = 0; index < n; index++) {
          const path = await log.inclusionProof(index);
          const claim = { entry: leaves[index]!, index, size, path, rootHash };
          expect(codeOf(() => verifyEntryInclusion(claim))).toBeUndefined();
          const tampered = leaves[index]!.slice();
          tampered[tampered.length - 1]! ^= 0x01;
          expect(codeOf(() => verifyEntryInclusion({ ...claim, entry: tampered }))).toBe('ERR_AU_PROOF_INVALID');
          if (path.length > 0) {
            expect(codeOf(() => verifyEntryInclusion({ ...claim, path: path.slice(0, -1) }))).toBe(
              'ERR_AU_PROOF_INVALID',
            );
            expect(codeOf(() => verifyEntryInclusion({ ...claim, path: [...path, path[0]!] }))).toBe(
              'ERR_AU_PROOF_INVALID',
            );
          }
          if (path.length > 1) {
            const swapped = [path[1]!, path[0]!, ...path.slice(2)];
            expect(codeOf(() => verifyEntryInclusion({ ...claim, path: swapped }))).toBe('ERR_AU_PROOF_INVALID');
          }
        }
        for (let m = 1; m <= n; m++) {
          const proof = await log.consistencyProof(m);
          const claim = { size1: m, rootHash1: await log.rootAt(m), size2: size, rootHash2: rootHash, proof };
          expect(codeOf(() => verifyTreeConsistency(claim))).toBeUndefined();
          if (proof.length > 0) {
            expect(codeOf(() => verifyTreeConsistency({ ...claim, proof: proof.slice(1) }))).toBe(
              'ERR_AU_PROOF_INVALID',
            );
            expect(codeOf(() => verifyTreeConsistency({ ...claim, proof: [...proof].reverse() }))).toBe(
              proof.length > 1 ? 'ERR_AU_PROOF_INVALID' : undefined,
            );
          }
          if (m < n) {
            const wrongRoot = await log.rootAt(m + 1);
            expect(codeOf(() => verifyTreeConsistency({ ...claim, rootHash1: wrongRoot }))).toBe(
              'ERR_AU_PROOF_INVALID',
            );
          }
        }
      }),
      { numRuns: 20 },
    );
  });

  it('tells where each entry landed alike whether an append is one batch or several, repeats included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(12), { maxLength: 30 }), fc.integer({ min: 1, max: 9 }), async (ns, batch) => {
        const entries = ns.map((n) => sampleEntry(n));
        const whole = await testLog(new MemoryLogStore(), 64).append(entries);
        const split = await testLog(new MemoryLogStore(), batch).append(entries);
        expect(split).toEqual(whole);
        const first = new Map<number, number>();
        for (const n of ns) if (!first.has(n)) first.set(n, first.size);
        expect(whole.map((s) => s.index)).toEqual(ns.map((n) => first.get(n)));
        expect(whole.map((s) => s.added)).toEqual(ns.map((n, i) => ns.indexOf(n) === i));
      }),
      { numRuns: 50 },
    );
  });

  it('gives the same proofs again from its cache of right edges, unharmed by what a caller does to the last ones', async () => {
    const log = testLog(new MemoryLogStore(), 7);
    const n = 1_000;
    await log.append(Array.from({ length: n }, (_, i) => sampleEntry(i)));
    const leaves = Array.from({ length: n }, (_, i) => encodeLogEntry(sampleEntry(i)));
    const first = await log.inclusionProof(3);
    // [512, 1000) is folded from several stored pieces: the proof's last hash came through the cache.
    expect(first.at(-1)).toEqual(merkleRoot(leaves.slice(512)));
    for (const hash of first) hash.fill(0);
    const again = await log.inclusionProof(3);
    expect(again.at(-1)).toEqual(merkleRoot(leaves.slice(512)));
    const consistency = await log.consistencyProof(300);
    for (const hash of consistency) hash.fill(0);
    const { rootHash } = await log.treeHead();
    const rootHash1 = merkleRoot(leaves.slice(0, 300));
    const proof = await log.consistencyProof(300);
    expect(() => verifyTreeConsistency({ size1: 300, rootHash1, size2: n, rootHash2: rootHash, proof })).not.toThrow();
  });

  it('refuses bad options and out-of-range questions with typed errors', async () => {
    const store = new MemoryLogStore();
    const signer = async () => '';
    for (const origin of ['has space/x', 'a+b', '']) {
      expect(() => new TransparencyLog({ origin, store, signer })).toThrow(
        expect.objectContaining({ code: 'ERR_AU_CONFIG_INVALID' }),
      );
    }
    for (const maxBatch of [0, 1.5, 70_000]) {
      expect(() => new TransparencyLog({ origin: ORIGIN, store, signer, maxBatch })).toThrow(
        expect.objectContaining({ code: 'ERR_AU_CONFIG_INVALID' }),
      );
    }
    const log = testLog(store);
    await log.append([sampleEntry(0), sampleEntry(1)]);
    for (const call of [
      () => log.inclusionProof(2),
      () => log.inclusionProof(-1),
      () => log.inclusionProof(0, 3),
      () => log.consistencyProof(0),
      () => log.consistencyProof(3),
      () => log.entry(2),
      () => log.rootAt(3),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    }
    await expect(log.add({ kind: 'nope' as never, body: new Uint8Array() })).rejects.toMatchObject({
      code: 'ERR_AU_ENTRY_INVALID',
    });
  });
});

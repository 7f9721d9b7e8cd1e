import {
  consistencyProof,
  encodeCbor,
  generateKey,
  inclusionProof,
  isSafetyNetError,
  merkleLeafHash,
  merkleRoot,
  seededRandom,
  signSign1,
  toHex,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/log/entry.js';
import { decodeLogEntry, encodeLogEntry } from '../../src/log/entry.js';
import { TransparencyLog } from '../../src/log/transparency-log.js';
import { workflowKeys } from '../../src/log/workflow-keys.js';
import type { LogStore } from '../../src/store/log-store.js';
import { testCheckpointSigner } from '../support/checkpoint-signer.js';
import { LOG_KEY, ORIGIN, openCheckpoint, sampleEntry, testLog } from '../support/log-fixture.js';

/** How a store kind is opened: a fresh empty store, and (for durable stores) the same store opened again. */
export interface StoreKind {
  readonly name: string;
  readonly skip?: boolean;
  fresh(): Promise<{ store: LogStore; reopen?: () => Promise<LogStore> }>;
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isSafetyNetError(e) ? e.code : String(e);
  }
};

const signer = generateKey('Ed25519', seededRandom('workflow-index'));

/** A signed message whose claims carry `wid` and stitches naming `ects`, as the workflow index reads them. */
function workflowEntry(jti: string, wid: string, ects: readonly string[] = []): LogEntry {
  const stitch = ects.map(
    (ect) =>
      new Map([
        ['ect', ect],
        ['rel', 'causes'],
      ]),
  );
  const claims = new Map<unknown, unknown>([
    ['jti', jti],
    ['wid', wid],
    ...(stitch.length ? [['stitch', stitch]] : []),
  ] as [unknown, unknown][]);
  return {
    kind: 'eat',
    body: signSign1(encodeCbor(claims as never), signer, { protectedHeader: { typ: 'application/sd-cwt' } }),
  };
}

/** One contract, every store (spec §5.7). */
export function describeLogStoreContract(kind: StoreKind): void {
  describe(`LogStore contract: ${kind.name}`, () => {
    it.skipIf(kind.skip)('starts empty', async () => {
      const { store } = await kind.fresh();
      expect(await store.state()).toBeUndefined();
      expect(await store.checkpointAt(0)).toBeUndefined();
      const log = testLog(store);
      expect((await log.treeHead()).size).toBe(0);
      expect(await log.checkpoint()).toBeUndefined();
      await store.close();
    });

    it.skipIf(kind.skip)('sequences batches under checkpoints; proofs equal core’s over the same leaves', async () => {
      const { store } = await kind.fresh();
      const log = testLog(store, 7);
      const entries = Array.from({ length: 40 }, (_, i) => sampleEntry(i));
      const leaves = entries.map(encodeLogEntry);
      const first = await log.append(entries.slice(0, 13));
      expect(first.map((s) => s.index)).toEqual([...Array(13).keys()]);
      await log.append(entries.slice(13));
      const head = await log.treeHead();
      expect(head).toEqual({ origin: ORIGIN, size: 40, rootHash: merkleRoot(leaves) });
      expect(await openCheckpoint((await log.checkpoint())!)).toEqual(head);
      // Batches of at most 7: a checkpoint at every batch end.
      for (const size of [7, 13, 20, 27, 34, 40]) {
        const head = await openCheckpoint((await log.checkpointAt(size))!);
        expect(toHex(head.rootHash)).toBe(toHex(merkleRoot(leaves.slice(0, size))));
      }
      expect(await log.checkpointAt(8)).toBeUndefined();
      for (const i of [0, 1, 6, 7, 31, 39]) {
        expect((await log.inclusionProof(i)).map(toHex)).toEqual(inclusionProof(leaves, i).map(toHex));
        expect(await log.entry(i)).toEqual(leaves[i]);
        expect(await log.indexOf(merkleLeafHash(leaves[i]!))).toBe(i);
      }
      expect((await log.inclusionProof(20, 33)).map(toHex)).toEqual(inclusionProof(leaves.slice(0, 33), 20).map(toHex));
      for (const m of [1, 7, 13, 16, 39, 40]) {
        expect((await log.consistencyProof(m)).map(toHex)).toEqual(consistencyProof(leaves, m).map(toHex));
      }
      expect(await store.hashRange(0, 3, 6)).toEqual(leaves.slice(3, 6).map(merkleLeafHash));
      expect(await store.entries(38, 40)).toEqual(leaves.slice(38, 40));
      await store.close();
    });

    it.skipIf(kind.skip)('is idempotent by leaf hash, within a batch and across batches', async () => {
      const { store } = await kind.fresh();
      const log = testLog(store);
      await log.append([sampleEntry(1), sampleEntry(2)]);
      const again = await log.append([sampleEntry(3), sampleEntry(2), sampleEntry(3), sampleEntry(4)]);
      expect(again.map((s) => [s.index, s.added])).toEqual([
        [2, true],
        [1, false],
        [2, false],
        [3, true],
      ]);
      expect((await log.treeHead()).size).toBe(4);
      // A batch of nothing new signs nothing.
      const before = await log.checkpoint();
      await log.append([sampleEntry(1)]);
      expect(await log.checkpoint()).toBe(before);
      await store.close();
    });

    it.skipIf(kind.skip)('writes nothing when the sequencing transaction fails', async () => {
      const { store } = await kind.fresh();
      const log = testLog(store);
      await log.append([sampleEntry(1)]);
      const failing = new TransparencyLog({
        origin: ORIGIN,
        store,
        signer: async () => {
          throw new Error('signer down');
        },
      });
      expect(await codeOf(failing.append([sampleEntry(2), sampleEntry(3)]))).toBe('Error: signer down');
      expect((await store.state())!.size).toBe(1);
      expect(await store.indexOf(merkleLeafHash(encodeLogEntry(sampleEntry(2))))).toBeUndefined();
      const done = await log.append([sampleEntry(3)]);
      expect(done[0]!.index).toBe(1);
      await store.close();
    });

    it.skipIf(kind.skip)('group-commits concurrent adds with dense indices', async () => {
      const { store } = await kind.fresh();
      const log = testLog(store, 16);
      const done = await Promise.all(Array.from({ length: 50 }, (_, i) => log.add(sampleEntry(i))));
      expect(done.map((d) => d.index).sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
      expect((await log.treeHead()).size).toBe(50);
      await store.close();
    });

    it.skipIf(kind.skip)(
      'keeps the workflow index: by wid and by stitching ECT, ascending, once, limited',
      async () => {
        const { store } = await kind.fresh();
        const log = testLog(store, 3);
        await log.append([
          workflowEntry('a', 'wf-1'),
          sampleEntry(1),
          workflowEntry('b', 'wf-2', ['ect-9', 'ect-9', 'wf-1']),
          workflowEntry('c', 'wf-1', ['ect-9']),
        ]);
        // Registered again, in a later batch: idempotent, so not indexed twice.
        await log.append([workflowEntry('a', 'wf-1'), workflowEntry('d', 'wf-1')]);
        expect(await store.workflow('wf-1', 100)).toEqual([0, 2, 3, 4]);
        expect(await store.workflow('wf-2', 100)).toEqual([2]);
        expect(await store.workflow('ect-9', 100)).toEqual([2, 3]);
        expect(await store.workflow('wf-1', 2)).toEqual([0, 2]);
        expect(await store.workflow('entry 1', 100)).toEqual([]);
        expect(await store.workflow('wf-3', 100)).toEqual([]);
        await store.close();
      },
    );

    it.skipIf(kind.skip)(
      'backfills the workflow index in bounded steps, resumes after an interrupted step, and is idempotent',
      async () => {
        const { store, reopen } = await kind.fresh();
        // A log written without the index: ten workflow records, two of them stitched, and one plain entry.
        const unindexed = new TransparencyLog({
          origin: ORIGIN,
          store,
          signer: testCheckpointSigner(LOG_KEY),
          maxBatch: 4,
          workflowIndex: false,
        });
        const records = Array.from({ length: 10 }, (_, i) =>
          workflowEntry(`r${i}`, `wf-${i % 3}`, i === 5 ? ['ect-5'] : i === 8 ? ['ect-8', 'wf-0'] : []),
        );
        await unindexed.append([...records.slice(0, 6), sampleEntry(1), ...records.slice(6)]);
        expect(await store.workflow('wf-0', 100)).toEqual([]);
        // What the index must hold: each entry's keys as the log derives them, computed here entry by entry.
        const expected = new Map<string, number[]>();
        [...records.slice(0, 6), sampleEntry(1), ...records.slice(6)].forEach((entry, index) => {
          for (const key of workflowKeys(entry)) expected.set(key, [...(expected.get(key) ?? []), index]);
        });
        expect([...expected.keys()].sort()).toEqual(['ect-5', 'ect-8', 'wf-0', 'wf-1', 'wf-2']);
        const keysOf = (leaf: Uint8Array) => workflowKeys(decodeLogEntry(leaf));

        expect(await store.backfillWorkflows(keysOf, 4)).toEqual({ indexed: 4, next: 4, size: 11 });
        // The second step fails on its third entry (index 6), as a process stopped mid-step: nothing of it stays,
        // neither the rows of entries 4 and 5 nor its progress.
        let read = 0;
        const failing = (leaf: Uint8Array) => {
          if (++read === 3) throw new Error('stopped');
          return keysOf(leaf);
        };
        await expect(store.backfillWorkflows(failing, 4)).rejects.toThrow();
        expect(await store.workflow('ect-5', 100)).toEqual([]);
        expect(await store.workflow('wf-1', 100)).toEqual([1]);

        const resumed = reopen ? await reopen() : store;
        const log = testLog(resumed, 4);
        expect(await log.backfillWorkflowIndex({ batch: 4 })).toEqual({ indexed: 7, size: 11 });
        for (const [key, indices] of expected) expect(await resumed.workflow(key, 100)).toEqual(indices);
        expect(await resumed.workflow('entry 1', 100)).toEqual([]);

        // Again: nothing to read. The index is now in step, so entries then sequenced with it keep it in step: the
        // next backfill reads nothing either.
        expect(await log.backfillWorkflowIndex()).toEqual({ indexed: 0, size: 11 });
        await log.append([workflowEntry('r10', 'wf-0'), workflowEntry('r11', 'wf-9', ['ect-5'])]);
        expect(await log.backfillWorkflowIndex({ batch: 1 })).toEqual({ indexed: 0, size: 13 });
        expect(await resumed.workflow('wf-0', 100)).toEqual([...expected.get('wf-0')!, 11]);
        expect(await resumed.workflow('ect-5', 100)).toEqual([5, 12]);
        expect(await codeOf(log.backfillWorkflowIndex({ batch: 0 }))).toBe('ERR_AU_CONFIG_INVALID');
        if (resumed !== store) await store.close();
        await resumed.close();
      },
    );

    it.skipIf(kind.skip)(
      'sequencing keeps an index in step: a log always indexed needs a backfill that reads nothing',
      async () => {
        const { store, reopen } = await kind.fresh();
        const log = testLog(store, 3);
        const records = Array.from({ length: 8 }, (_, i) =>
          workflowEntry(`r${i}`, `wf-${i % 2}`, i === 4 ? ['ect-4'] : []),
        );
        await log.append(records.slice(0, 5));
        await log.append([sampleEntry(1), ...records.slice(5)]);
        // Each batch moved the progress with its rows, in its transaction: durable stores hold it after a reopen.
        const again = reopen ? await reopen() : store;
        const keysOf = (leaf: Uint8Array) => workflowKeys(decodeLogEntry(leaf));
        expect(await again.backfillWorkflows(keysOf, 100)).toEqual({ indexed: 0, next: 9, size: 9 });
        expect(await testLog(again).backfillWorkflowIndex()).toEqual({ indexed: 0, size: 9 });
        expect(await again.workflow('wf-0', 100)).toEqual([0, 2, 4, 7]);
        expect(await again.workflow('ect-4', 100)).toEqual([4]);
        if (again !== store) await store.close();
        await again.close();
      },
    );

    it.skipIf(kind.skip)(
      'sequencing does not move the progress over entries sequenced without the index: the backfill reads them',
      async () => {
        const { store } = await kind.fresh();
        const withIndex = (workflowIndex: boolean) =>
          new TransparencyLog({ origin: ORIGIN, store, signer: testCheckpointSigner(LOG_KEY), workflowIndex });
        const records = Array.from({ length: 10 }, (_, i) => workflowEntry(`r${i}`, `wf-${i % 2}`));
        // Indexed (0–3, in step), then a bulk import without the index (4–6), then indexed again (7–9).
        await withIndex(true).append(records.slice(0, 4));
        await withIndex(false).append(records.slice(4, 7));
        const log = withIndex(true);
        await log.append(records.slice(7));
        expect(await store.workflow('wf-0', 100)).toEqual([0, 2, 8]);
        expect(await store.workflow('wf-1', 100)).toEqual([1, 3, 7, 9]);
        // The progress stayed at the first unindexed entry: the backfill reads from 4 to the end, entries 7–9 again
        // (their rows are kept as they are), and the index then holds every entry once.
        expect(await log.backfillWorkflowIndex({ batch: 2 })).toEqual({ indexed: 6, size: 10 });
        expect(await store.workflow('wf-0', 100)).toEqual([0, 2, 4, 6, 8]);
        expect(await store.workflow('wf-1', 100)).toEqual([1, 3, 5, 7, 9]);
        // In step again: what is sequenced next is not read.
        await log.append([workflowEntry('r10', 'wf-0')]);
        expect(await log.backfillWorkflowIndex()).toEqual({ indexed: 0, size: 11 });
        expect(await store.workflow('wf-0', 100)).toEqual([0, 2, 4, 6, 8, 10]);
        await store.close();
      },
    );

    it.skipIf(kind.skip)(
      'a backfill running while the log appends with the index skips nothing and ends in step',
      async () => {
        const { store } = await kind.fresh();
        const records = Array.from({ length: 40 }, (_, i) => workflowEntry(`r${i}`, `wf-${i % 4}`));
        await new TransparencyLog({
          origin: ORIGIN,
          store,
          signer: testCheckpointSigner(LOG_KEY),
          workflowIndex: false,
        }).append(records.slice(0, 20));
        const log = testLog(store, 2);
        // Steps of one entry against batches of two: their transactions interleave on the progress.
        await Promise.all([log.backfillWorkflowIndex({ batch: 1 }), ...records.slice(20).map((r) => log.append([r]))]);
        await log.backfillWorkflowIndex();
        // Appends may be sequenced in any order: what each index must be found under is read from its entry.
        const expected = new Map<string, number[]>();
        for (const [index, leaf] of (await store.entries(0, 40)).entries()) {
          for (const key of workflowKeys(decodeLogEntry(leaf)))
            expected.set(key, [...(expected.get(key) ?? []), index]);
        }
        expect([...expected.values()].flat().sort((x, y) => x - y)).toEqual([...Array(40).keys()]);
        for (const [key, indices] of expected) expect(await store.workflow(key, 100)).toEqual(indices);
        await log.append([workflowEntry('r40', 'wf-0')]);
        expect(await log.backfillWorkflowIndex()).toEqual({ indexed: 0, size: 41 });
        await store.close();
      },
    );

    it.skipIf(kind.skip)('reports what it does not hold as ERR_AU_STORE_FAILED', async () => {
      const { store } = await kind.fresh();
      await testLog(store).append([sampleEntry(1), sampleEntry(2)]);
      expect(await codeOf(store.hashes([{ level: 1, index: 1 }]))).toBe('ERR_AU_STORE_FAILED');
      expect(await codeOf(store.hashRange(0, 0, 3))).toBe('ERR_AU_STORE_FAILED');
      expect(await codeOf(store.entries(1, 3))).toBe('ERR_AU_STORE_FAILED');
      await store.close();
    });

    it.skipIf(kind.skip)('keeps the tree when opened again (durable stores)', async () => {
      const { store, reopen } = await kind.fresh();
      if (!reopen) return;
      await testLog(store, 5).append(Array.from({ length: 12 }, (_, i) => sampleEntry(i)));
      const head = await testLog(store).treeHead();
      await store.close();
      const again = await reopen();
      const log = testLog(again);
      expect(await log.treeHead()).toEqual(head);
      await log.append([sampleEntry(12)]);
      expect((await log.treeHead()).size).toBe(13);
      await again.close();
    });
  });
}

import { merkleRoot, toHex, verifyConsistency, verifyInclusion } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { encodeLogEntry } from '../../src/log/entry.js';
import { migrateLog, PostgresLogStore } from '../../src/postgres.js';
import { openCheckpoint, sampleEntry, testLog } from '../support/log-fixture.js';

const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());

describe.skipIf(!url)(`PostgreSQL log appended by two instances at once${url ? '' : ` (${PG_MISSING})`}`, () => {
  it('integrates every entry once, with dense indices, and every proof verifies', async () => {
    const schema = await schemas!.create();
    await migrateLog(schemas!.pool(schema, 1));
    // Two instances of the log, each with its own pool, as two appender processes would have.
    const a = testLog(new PostgresLogStore(schemas!.pool(schema, 4)), 8);
    const b = testLog(new PostgresLogStore(schemas!.pool(schema, 4)), 8);
    const each = 120;
    const [fromA, fromB] = await Promise.all([
      Promise.all(Array.from({ length: each }, (_, i) => a.add(sampleEntry(i, 'a')))),
      Promise.all(
        Array.from({ length: each / 4 }, (_, i) =>
          b.append(Array.from({ length: 4 }, (_, j) => sampleEntry(i * 4 + j, 'b'))),
        ),
      ).then((r) => r.flat()),
    ]);
    const indices = [...fromA, ...fromB].map((s) => s.index).sort((x, y) => x - y);
    expect(indices).toEqual([...Array(2 * each).keys()]);

    const head = await a.treeHead();
    expect(head.size).toBe(2 * each);
    const byIndex = new Array<Uint8Array>(2 * each);
    fromA.forEach((s, i) => {
      byIndex[s.index] = encodeLogEntry(sampleEntry(i, 'a'));
    });
    fromB.forEach((s, i) => {
      byIndex[s.index] = encodeLogEntry(sampleEntry(i, 'b'));
    });
    expect(toHex(head.rootHash)).toBe(toHex(merkleRoot(byIndex)));
    for (let i = 0; i < head.size; i++) {
      const path = await b.inclusionProof(i);
      expect(verifyInclusion({ leaf: byIndex[i]!, index: i, size: head.size, path, root: head.rootHash })).toBe(true);
    }
    // Every checkpoint either instance signed is a prefix of the final tree.
    let checkpoints = 0;
    for (let size = 1; size <= head.size; size++) {
      const text = await a.checkpointAt(size);
      if (!text) continue;
      checkpoints++;
      const old = await openCheckpoint(text);
      expect(toHex(old.rootHash)).toBe(toHex(merkleRoot(byIndex.slice(0, size))));
      const proof = await a.consistencyProof(size);
      expect(
        verifyConsistency({ size1: size, size2: head.size, root1: old.rootHash, root2: head.rootHash, proof }),
      ).toBe(true);
    }
    expect(checkpoints).toBeGreaterThan(2);
  }, 60_000);
});

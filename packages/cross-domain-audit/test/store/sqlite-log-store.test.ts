import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeCbor,
  generateKey,
  inclusionProof,
  isSafetyNetError,
  merkleRoot,
  seededRandom,
  signSign1,
  verifyInclusion,
} from '@safety-net/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeLogEntry, entryLeafHash } from '../../src/log/entry.js';
import { TransparencyLog } from '../../src/log/transparency-log.js';
import { SqliteLogStore } from '../../src/sqlite.js';
import { testCheckpointSigner } from '../support/checkpoint-signer.js';
import { LOG_KEY, ORIGIN, sampleEntry, testLog } from '../support/log-fixture.js';
import { DROP_MERGE_COLUMNS, toVersion3 } from '../support/sqlite-version-3.js';

/** Signs the records whose `wid` the workflow index reads. */
const LOG_SIGNER = generateKey('Ed25519', seededRandom('sqlite-log-backfill'));

const dir = mkdtempSync(join(tmpdir(), 'au-sqlite-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = () => join(dir, `log-${files++}.db`);

/** The first column of every row `sql` selects, read from the file by a handle of its own. */
const column = (path: string, sql: string): unknown[] => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().all();
  } finally {
    db.close();
  }
};

const count = (path: string, sql: string) => column(path, sql)[0] as number;

/** The items of the dedupe runs (16 bytes each). */
const dedupeItems = (path: string) =>
  count(path, 'SELECT coalesce(sum(length(items)), 0) / 16 FROM au_log_dedupe_block');

/**
 * Rewrites a file into the unversioned layout of the first release, as its statements wrote it: the entry table
 * with a UNIQUE leaf hash, no dedupe tables, no backfill progress, no schema version. The rows of every table are those it wrote.
 */
function toUnversioned(path: string): void {
  toVersion3(path);
  const db = new Database(path);
  db.exec(`
    BEGIN;
    CREATE TABLE au_log_entry_0 (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL UNIQUE, entry BLOB NOT NULL);
    INSERT INTO au_log_entry_0 SELECT idx, leaf_hash, entry FROM au_log_entry;
    DROP TABLE au_log_entry;
    ALTER TABLE au_log_entry_0 RENAME TO au_log_entry;
    DROP TABLE au_log_dedupe;
    DROP TABLE au_log_dedupe_run;
    DROP TABLE au_log_dedupe_state;
    DROP TABLE au_log_workflow_backfill;
    DROP TABLE au_log_schema;
    COMMIT;`);
  db.close();
}

describe('SqliteLogStore hashes', () => {
  it('stores interior hashes from level 8 up and recomputes the lower ones from the leaf hashes, as core does', async () => {
    const path = file();
    const store = new SqliteLogStore(path);
    const log = testLog(store, 100);
    const leaves = Array.from({ length: 700 }, (_, i) => encodeLogEntry(sampleEntry(i)));
    await log.append(Array.from({ length: 700 }, (_, i) => sampleEntry(i)));
    // 700 leaves complete two subtrees of 256 (level 8) and one of 512 (level 9), the spines of bundles 0 and 1;
    // nothing lower is written, and the partial bundle 2 has no spine yet.
    expect(column(path, 'SELECT length(spine) / 32 FROM au_log_bundle ORDER BY bundle')).toEqual([1, 2, null]);
    for (const [index, size] of [
      [0, 700],
      [255, 700],
      [256, 700],
      [699, 700],
      [130, 131],
      [3, 513],
    ] as const) {
      expect(await log.inclusionProof(index, size)).toEqual(inclusionProof(leaves.slice(0, size), index));
    }
    expect(await log.rootAt(700)).toEqual(merkleRoot(leaves));
    expect(await log.rootAt(389)).toEqual(merkleRoot(leaves.slice(0, 389)));
    // A level-3 range (8 leaves each) and a level-8 one, read as tiles would be.
    const level3 = await store.hashRange(3, 2, 5);
    expect(level3).toEqual([2, 3, 4].map((i) => merkleRoot(leaves.slice(8 * i, 8 * i + 8))));
    expect(await store.hashRange(8, 0, 2)).toEqual([0, 1].map((i) => merkleRoot(leaves.slice(256 * i, 256 * i + 256))));
    await expect(store.hashRange(3, 87, 88)).rejects.toMatchObject({ code: 'ERR_AU_STORE_FAILED' });
    await store.close();
  });
});

/** Rewrites a file's dedupe runs into the single table of version 2, as its statements wrote it. */
function toVersion2(path: string): void {
  toVersion3(path);
  const db = new Database(path);
  db.exec(`
    BEGIN;
    CREATE TABLE au_log_dedupe_2 (leaf_hash BLOB PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO au_log_dedupe_2 SELECT leaf_hash, idx FROM au_log_dedupe ORDER BY leaf_hash;
    DROP TABLE au_log_dedupe;
    ALTER TABLE au_log_dedupe_2 RENAME TO au_log_dedupe;
    DROP TABLE au_log_dedupe_run;
    UPDATE au_log_schema SET version = 2;
    COMMIT;`);
  db.close();
}

const runSizes = (path: string) =>
  column(path, 'SELECT next - first FROM au_log_dedupe_run ORDER BY first') as number[];

describe('SqliteLogStore dedupe runs', () => {
  it('writes each batch of leaf hashes as a run and merges runs as a base-4 counter carries; every entry stays found', async () => {
    const path = file();
    const store = new SqliteLogStore(path, { mergeEvery: 16 });
    const log = testLog(store, 16);
    const sizes: number[][] = [];
    for (let b = 0; b < 16; b++) {
      await log.append(Array.from({ length: 16 }, (_, i) => sampleEntry(16 * b + i)));
      sizes.push(runSizes(path));
    }
    // Each batch reaches `mergeEvery`, so each writes a run, after finishing the merge the batch before it started:
    // a merge lands one batch after its runs are there (spec §5.7).
    expect(sizes).toEqual([
      [16],
      [16, 16],
      [16, 16, 16],
      [16, 16, 16, 16],
      [64, 16],
      [64, 16, 16],
      [64, 16, 16, 16],
      [64, 16, 16, 16, 16],
      [64, 64, 16],
      [64, 64, 16, 16],
      [64, 64, 16, 16, 16],
      [64, 64, 16, 16, 16, 16],
      [64, 64, 64, 16],
      [64, 64, 64, 16, 16],
      [64, 64, 64, 16, 16, 16],
      [64, 64, 64, 16, 16, 16, 16],
    ]);
    // The items of merged runs are gone: one item per entry.
    expect(dedupeItems(path)).toBe(256);
    const fresh = testLog(new SqliteLogStore(path, { mergeEvery: 16 }), 16);
    for (let i = 0; i < 256; i += 9) {
      const hash = entryLeafHash(encodeLogEntry(sampleEntry(i)));
      expect(await log.indexOf(hash)).toBe(i);
      expect(await fresh.indexOf(hash)).toBe(i);
    }
    const again = await fresh.append([sampleEntry(0), sampleEntry(255), sampleEntry(256), sampleEntry(64)]);
    expect(again.map((s) => [s.index, s.added])).toEqual([
      [0, false],
      [255, false],
      [256, true],
      [64, false],
    ]);
    await store.close();
  });

  it('writes a merge in slices over the batches after it starts, handles taking turns; every entry stays found', async () => {
    const path = file();
    const handles = [new SqliteLogStore(path, { mergeEvery: 64 }), new SqliteLogStore(path, { mergeEvery: 64 })];
    const logs = handles.map((h) => testLog(h, 8));
    const merging = () => column(path, 'SELECT merge_run FROM au_log_dedupe_state')[0] as number | null;
    const registered = () => count(path, 'SELECT coalesce(sum(next - first), 0) FROM au_log_dedupe_run');
    const target = (run: number) =>
      count(path, `SELECT coalesce(sum(length(items)), 0) / 16 FROM au_log_dedupe_block WHERE run = ${run}`);
    /** Per merge run, the items it held after each batch while under way. */
    const progress = new Map<number, number[]>();
    let size = 0;
    for (let b = 0; b < 220; b++) {
      const log = logs[b % 2]!;
      // A batch of eight new entries, and now and then one logged before: found, not added again.
      const oldIndex = (b * 37) % Math.max(1, size);
      const old = b % 5 === 4 ? [sampleEntry(oldIndex)] : [];
      const out = await log.append([...old, ...Array.from({ length: 8 }, (_, i) => sampleEntry(size + i))]);
      expect(out.map((o) => o.added)).toEqual([...old.map(() => false), ...Array(8).fill(true)]);
      if (old.length > 0) expect(out[0]!.index).toBe(oldIndex);
      size += 8;
      const run = merging();
      if (run !== null) progress.set(run, [...(progress.get(run) ?? []), target(run)]);
      // The runs lookups read cover exactly the entries written to runs.
      expect(registered()).toBe(count(path, 'SELECT indexed FROM au_log_dedupe_state'));
    }
    // The merges of four runs of 256 (1,024 items) each took several slices of at least 256 items.
    const sliced = [...progress.values()].filter((p) => p.at(-1)! > 0 && p.length >= 3);
    expect(sliced.length).toBeGreaterThan(0);
    for (const p of sliced) {
      p.slice(1).forEach((n, i) => {
        if (n > 0 && p[i]! > 0) expect(n - p[i]!).toBeGreaterThanOrEqual(256);
      });
    }
    // 1,728 entries in runs (27 of 64, 123 in base 4), the last 32 in memory; no merge under way, and no block
    // left of a merge's sources.
    expect(runSizes(path)).toEqual([1024, 256, 256, 64, 64, 64]);
    expect(merging()).toBeNull();
    expect(dedupeItems(path)).toBe(1728);
    const fresh = testLog(new SqliteLogStore(path, { mergeEvery: 64 }));
    for (let i = 0; i < size; i += 7) {
      const hash = entryLeafHash(encodeLogEntry(sampleEntry(i)));
      for (const log of [...logs, fresh]) expect(await log.indexOf(hash)).toBe(i);
    }
    for (const h of handles) await h.close();
  }, 60_000);

  it('refuses a merge size out of range', () => {
    for (const mergeEvery of [0, -1, 1.5, 2 ** 24 + 1]) {
      expect(() => new SqliteLogStore(':memory:', { mergeEvery })).toThrow(
        expect.objectContaining({ code: 'ERR_AU_CONFIG_INVALID' }),
      );
    }
  });
});

describe('SqliteLogStore schema', () => {
  it('migrates a file of version 2: its dedupe table becomes the first run, and later merges carry from it', async () => {
    const path = file();
    const old = testLog(new SqliteLogStore(path, { mergeEvery: 32 }), 16);
    await old.append(Array.from({ length: 48 }, (_, i) => sampleEntry(i)));
    toVersion2(path);
    expect(count(path, 'SELECT count(*) FROM au_log_dedupe')).toBe(32);

    const store = new SqliteLogStore(path, { mergeEvery: 32 });
    expect(count(path, 'SELECT version FROM au_log_schema')).toBe(5);
    expect(dedupeItems(path)).toBe(32);
    expect(runSizes(path)).toEqual([32]);
    const log = testLog(store, 16);
    for (let i = 0; i < 48; i += 7) expect(await log.indexOf(entryLeafHash(encodeLogEntry(sampleEntry(i))))).toBe(i);
    await log.append(Array.from({ length: 80 }, (_, i) => sampleEntry(48 + i)));
    // Runs of 32 (entries 32–63, 64–95, 96–127) follow it, and the fourth run starts a merge: 32 + 32 + 32 + 32,
    // written by the next batch.
    expect(runSizes(path)).toEqual([32, 32, 32, 32]);
    const again = await log.append([sampleEntry(3), sampleEntry(100), sampleEntry(200)]);
    expect(again.map((s) => [s.index, s.added])).toEqual([
      [3, false],
      [100, false],
      [128, true],
    ]);
    expect(runSizes(path)).toEqual([128]);
    await store.close();
  });

  it('migrates a file of the unversioned layout: same tree, every entry found, duplicates still skipped', async () => {
    const path = file();
    const old = testLog(new SqliteLogStore(path), 16);
    await old.append(Array.from({ length: 40 }, (_, i) => sampleEntry(i)));
    const head = await old.treeHead();
    const checkpoint = await old.checkpoint();
    toUnversioned(path);
    expect(count(path, "SELECT count(*) FROM sqlite_master WHERE name = 'au_log_schema'")).toBe(0);
    expect(count(path, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_autoindex_au_log_entry_1'")).toBe(1);

    const store = new SqliteLogStore(path);
    const log = testLog(store, 16);
    expect(count(path, 'SELECT version FROM au_log_schema')).toBe(5);
    expect(count(path, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'au_log_entry%'")).toBe(0);
    expect(dedupeItems(path)).toBe(40);
    expect(await log.treeHead()).toEqual(head);
    expect(await log.checkpoint()).toBe(checkpoint);
    for (let i = 0; i < 40; i++) {
      expect(await log.indexOf(entryLeafHash(encodeLogEntry(sampleEntry(i))))).toBe(i);
    }
    const again = await log.append([sampleEntry(7), sampleEntry(40), sampleEntry(39), sampleEntry(40)]);
    expect(again.map((s) => [s.index, s.added])).toEqual([
      [7, false],
      [40, true],
      [39, false],
      [40, false],
    ]);
    const latest = await log.treeHead();
    const path7 = await log.inclusionProof(7);
    expect(
      verifyInclusion({ leaf: await log.entry(7), index: 7, size: latest.size, path: path7, root: latest.rootHash }),
    ).toBe(true);
    await store.close();
    // Opening a migrated file again migrates nothing.
    const reopened = testLog(new SqliteLogStore(path));
    expect((await reopened.treeHead()).size).toBe(41);
  });

  it('migrates a file of version 1: its entries, sequenced without index rows, are backfilled from the first', async () => {
    const path = file();
    const old = new TransparencyLog({
      origin: ORIGIN,
      store: new SqliteLogStore(path),
      signer: testCheckpointSigner(LOG_KEY),
      workflowIndex: false,
    });
    const record = (n: number) => ({
      kind: 'eat' as const,
      body: signSign1(
        encodeCbor(
          new Map<unknown, unknown>([
            ['jti', `r${n}`],
            ['wid', `wf-${n % 2}`],
          ]) as never,
        ),
        LOG_SIGNER,
        {
          protectedHeader: { typ: 'application/sd-cwt' },
        },
      ),
    });
    await old.append(Array.from({ length: 5 }, (_, i) => record(i)));
    const head = await old.treeHead();
    // The layout of version 1: no backfill progress table.
    toVersion2(path);
    const db = new Database(path);
    db.exec('BEGIN; DROP TABLE au_log_workflow_backfill; UPDATE au_log_schema SET version = 1; COMMIT;');
    db.close();

    const store = new SqliteLogStore(path);
    expect(count(path, 'SELECT version FROM au_log_schema')).toBe(5);
    expect(count(path, 'SELECT next FROM au_log_workflow_backfill')).toBe(0);
    const log = testLog(store);
    expect(await log.treeHead()).toEqual(head);
    expect(await log.backfillWorkflowIndex({ batch: 2 })).toEqual({ indexed: 5, size: 5 });
    expect(await log.workflow('wf-0', 10)).toEqual([0, 2, 4]);
    expect(await log.workflow('wf-1', 10)).toEqual([1, 3]);
    expect(count(path, 'SELECT next FROM au_log_workflow_backfill')).toBe(5);
    await store.close();
  });

  it('migrates a file of version 3: entries into bundles, runs into blocks; the same tree, proofs and lookups', async () => {
    const path = file();
    const old = testLog(new SqliteLogStore(path, { mergeEvery: 100 }), 70);
    await old.append(Array.from({ length: 600 }, (_, i) => sampleEntry(i)));
    const head = await old.treeHead();
    const proofs = [await old.inclusionProof(261), await old.inclusionProof(599), await old.consistencyProof(512)];
    toVersion3(path);
    expect(count(path, 'SELECT count(*) FROM au_log_entry')).toBe(600);
    expect(count(path, 'SELECT count(*) FROM au_log_dedupe')).toBe(560);
    expect(count(path, 'SELECT count(*) FROM au_log_hash')).toBe(3);

    const store = new SqliteLogStore(path, { mergeEvery: 100 });
    expect(count(path, 'SELECT version FROM au_log_schema')).toBe(5);
    expect(column(path, 'SELECT length(leaf_hashes) / 32 FROM au_log_bundle ORDER BY bundle')).toEqual([256, 256, 88]);
    expect(column(path, 'SELECT length(spine) / 32 FROM au_log_bundle ORDER BY bundle')).toEqual([1, 2, null]);
    expect(count(path, "SELECT count(*) FROM sqlite_master WHERE name = 'au_log_hash'")).toBe(0);
    expect(dedupeItems(path)).toBe(560);
    const log = testLog(store, 70);
    expect(await log.treeHead()).toEqual(head);
    expect([await log.inclusionProof(261), await log.inclusionProof(599), await log.consistencyProof(512)]).toEqual(
      proofs,
    );
    expect(await log.entry(299)).toEqual(encodeLogEntry(sampleEntry(299)));
    for (const i of [0, 139, 140, 255, 256, 279, 280, 559, 560, 599]) {
      expect(await log.indexOf(entryLeafHash(encodeLogEntry(sampleEntry(i))))).toBe(i);
    }
    const again = await log.append([sampleEntry(5), sampleEntry(600), sampleEntry(590)]);
    expect(again.map((s) => [s.index, s.added])).toEqual([
      [5, false],
      [600, true],
      [590, false],
    ]);
    await store.close();
  });

  it('migrates a file of version 4: no merge under way, and the next carry is written in slices', async () => {
    const path = file();
    const old = testLog(new SqliteLogStore(path, { mergeEvery: 16 }), 16);
    await old.append(Array.from({ length: 48 }, (_, i) => sampleEntry(i)));
    // The layout of version 4: merges were written whole, so the state names none.
    const db = new Database(path);
    db.exec(`BEGIN;
      ${DROP_MERGE_COLUMNS}
      UPDATE au_log_schema SET version = 4;
      COMMIT;`);
    db.close();

    const store = new SqliteLogStore(path, { mergeEvery: 16 });
    expect(count(path, 'SELECT version FROM au_log_schema')).toBe(5);
    expect(column(path, 'SELECT merge_run FROM au_log_dedupe_state')).toEqual([null]);
    const log = testLog(store, 16);
    await log.append(Array.from({ length: 16 }, (_, i) => sampleEntry(48 + i)));
    expect(runSizes(path)).toEqual([16, 16, 16, 16]);
    expect(column(path, 'SELECT merge_run FROM au_log_dedupe_state')).toEqual([5]);
    await log.append(Array.from({ length: 16 }, (_, i) => sampleEntry(64 + i)));
    expect(runSizes(path)).toEqual([64, 16]);
    expect(column(path, 'SELECT merge_run FROM au_log_dedupe_state')).toEqual([null]);
    for (let i = 0; i < 80; i += 3) expect(await log.indexOf(entryLeafHash(encodeLogEntry(sampleEntry(i))))).toBe(i);
    await store.close();
  });

  it('keeps the workflow index progress NULL while in step, and where sequencing without the index began', async () => {
    const path = file();
    const progress = () => column(path, 'SELECT next FROM au_log_workflow_backfill')[0];
    const indexed = testLog(new SqliteLogStore(path), 16);
    await indexed.append([0, 1, 2].map((n) => sampleEntry(n)));
    expect(progress()).toBeNull();
    const unindexed = new TransparencyLog({
      origin: ORIGIN,
      store: new SqliteLogStore(path),
      signer: testCheckpointSigner(LOG_KEY),
      workflowIndex: false,
    });
    await unindexed.append([3, 4].map((n) => sampleEntry(n)));
    await unindexed.append([5, 6].map((n) => sampleEntry(n)));
    expect(progress()).toBe(3);
    expect(await indexed.backfillWorkflowIndex({ batch: 10 })).toEqual({ indexed: 4, size: 7 });
    expect(progress()).toBe(7);
    await indexed.append([sampleEntry(7)]);
    expect(progress()).toBeNull();
    expect(await indexed.backfillWorkflowIndex({ batch: 10 })).toEqual({ indexed: 0, size: 8 });
  });

  it('answers a damaged bundle row with a typed error, never a crash or a wrong entry', async () => {
    const path = file();
    const log = testLog(new SqliteLogStore(path), 300);
    await log.append(Array.from({ length: 300 }, (_, i) => sampleEntry(i)));
    const db = new Database(path);
    // Bundle 0 loses the end of its last entry; bundle 1 a byte of a leaf hash.
    db.exec(`
      UPDATE au_log_bundle SET entries = substr(entries, 1, length(entries) - 3) WHERE bundle = 0;
      UPDATE au_log_bundle SET leaf_hashes = substr(leaf_hashes, 1, length(leaf_hashes) - 1) WHERE bundle = 1;`);
    db.close();
    const store = new SqliteLogStore(path);
    const damaged = testLog(store);
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e) => (isSafetyNetError(e) ? e.code : String(e)),
      );
    expect(await codeOf(damaged.entry(3))).toBe('ERR_AU_STORE_FAILED');
    expect(await codeOf(damaged.entry(280))).toBe('ERR_AU_STORE_FAILED');
    expect(await codeOf(store.hashRange(0, 256, 300))).toBe('ERR_AU_STORE_FAILED');
    await store.close();
  });

  it('refuses tables of a newer schema', async () => {
    const path = file();
    await new SqliteLogStore(path).close();
    const db = new Database(path);
    db.exec('UPDATE au_log_schema SET version = 6');
    db.close();
    let code: string | undefined;
    try {
      new SqliteLogStore(path);
    } catch (e) {
      code = isSafetyNetError(e) ? e.code : String(e);
    }
    expect(code).toBe('ERR_AU_STORE_FAILED');
  });

  it('finds entries across a merge of the in-memory leaf hashes, from this handle and from others', async () => {
    const path = file();
    const store = new SqliteLogStore(path);
    const log = testLog(store, 4096);
    const stale = testLog(new SqliteLogStore(path));
    // A lookup before the appends leaves the second handle holding the leaf hashes of an empty log.
    expect(await stale.indexOf(entryLeafHash(encodeLogEntry(sampleEntry(0))))).toBeUndefined();
    const total = 65_536 + 5_000;
    for (let at = 0; at < total; at += 4096) {
      await log.append(Array.from({ length: Math.min(4096, total - at) }, (_, i) => sampleEntry(at + i)));
    }
    // The merge ran in the batch that reached 65,536 entries (the 16th of 4,096): those are in the dedupe runs.
    expect(count(path, 'SELECT indexed FROM au_log_dedupe_state')).toBe(65_536);
    expect(dedupeItems(path)).toBe(65_536);
    const fresh = testLog(new SqliteLogStore(path));
    for (const i of [0, 1, 40_000, 65_535, 65_536, 70_535]) {
      const hash = entryLeafHash(encodeLogEntry(sampleEntry(i)));
      expect(await log.indexOf(hash)).toBe(i);
      expect(await stale.indexOf(hash)).toBe(i);
      expect(await fresh.indexOf(hash)).toBe(i);
    }
    expect(await log.indexOf(entryLeafHash(encodeLogEntry(sampleEntry(total))))).toBeUndefined();
    // Another handle appends: duplicates on either side of the merge keep their index, the new entry follows.
    const out = await stale.append([sampleEntry(3), sampleEntry(total), sampleEntry(70_000)]);
    expect(out.map((s) => [s.index, s.added])).toEqual([
      [3, false],
      [total, true],
      [70_000, false],
    ]);
    // This handle finds what it merged itself (its filter took the merged hashes from memory) and what it did not.
    const mine = await log.append([sampleEntry(total), sampleEntry(5), sampleEntry(65_535), sampleEntry(total + 1)]);
    expect(mine.map((s) => [s.index, s.added])).toEqual([
      [total, false],
      [5, false],
      [65_535, false],
      [total + 1, true],
    ]);
    await store.close();
  }, 60_000);
});

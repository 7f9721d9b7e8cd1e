import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { migrate, PostgresRollbackStore } from '../../src/postgres.js';
import { MemoryRollbackStore, type RollbackStore } from '../../src/rollback/index.js';
import { SqliteRollbackStore } from '../../src/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'cp-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());
/** A pool on a new schema with the tables in it; without a server the PostgreSQL cases are skipped. */
async function migrated() {
  const pool = await schemas!.fresh();
  await migrate(pool);
  return pool;
}
const postgres = url ? 'postgres' : `postgres (${PG_MISSING})`;
let files = 0;
const file = () => join(dir, `db-${files++}.sqlite`);

const entry = {
  rollback: 'rb-1',
  digest: 'd1',
  request: new Uint8Array([1, 2]),
  plan: new Uint8Array([3]),
  steps: [0, 1, 2],
};

describe.each([
  { name: 'memory', make: async (): Promise<RollbackStore> => new MemoryRollbackStore() },
  { name: 'sqlite in memory', make: async (): Promise<RollbackStore> => new SqliteRollbackStore(':memory:') },
  { name: 'sqlite file', make: async (): Promise<RollbackStore> => new SqliteRollbackStore(file()) },
  { name: postgres, skip: !url, make: async (): Promise<RollbackStore> => new PostgresRollbackStore(await migrated()) },
])('rollback store: $name', ({ make, skip }) => {
  if (skip) {
    it.skip(PG_MISSING, () => {});
    return;
  }
  it('creates once, then returns the stored rollback unchanged', async () => {
    const store = await make();
    const created = await store.create(entry);
    expect(created).toEqual({
      ...entry,
      steps: entry.steps.map((step) => ({ step, status: 'pending', attempts: 0 })),
      released: false,
    });
    const again = await store.create({ ...entry, digest: 'other', steps: [9] });
    expect(again).toEqual(created);
  });

  it('counts attempts, settles steps, finishes and releases', async () => {
    const store = await make();
    await store.create(entry);
    expect(await store.addAttempt('rb-1', 1)).toBe(1);
    expect(await store.addAttempt('rb-1', 1)).toBe(2);
    await store.settle('rb-1', 1, { status: 'compensated', result: new Uint8Array([7]) });
    await store.settle('rb-1', 2, { status: 'failed', reason: 'deadline' });
    const loaded = (await store.load('rb-1'))!;
    expect(loaded.steps).toEqual([
      { step: 0, status: 'pending', attempts: 0 },
      { step: 1, status: 'compensated', attempts: 2, result: new Uint8Array([7]) },
      { step: 2, status: 'failed', attempts: 0, reason: 'deadline' },
    ]);
    expect(await store.unfinished()).toEqual(['rb-1']);
    await store.finish('rb-1', new Uint8Array([9]));
    expect((await store.load('rb-1'))!.complete).toEqual(new Uint8Array([9]));
    expect(await store.unfinished()).toEqual(['rb-1']);
    await store.markReleased('rb-1');
    expect(await store.unfinished()).toEqual([]);
  });

  it('keeps rollback ids and reasons exact, NUL, quotes and backslashes included', async () => {
    const store = await make();
    const ids = ['a\u0000b', 'a', 'x"\\', '\\u0000'];
    for (const id of ids) await store.create({ ...entry, rollback: id });
    expect(await store.unfinished()).toEqual(ids);
    await store.settle('a\u0000b', 0, { status: 'failed', reason: 'said "no"\u0000\\' });
    expect((await store.load('a\u0000b'))!.steps[0]).toEqual({
      step: 0,
      status: 'failed',
      attempts: 0,
      reason: 'said "no"\u0000\\',
    });
    expect((await store.load('a'))!.steps[0]!.status).toBe('pending');
  });

  it('leases a rollback to one instance at a time, with a token that grows when the lease changes hands', async () => {
    const store = await make();
    await store.create(entry);
    await expect(store.acquireLease('nope', 'a', 1000, 0)).rejects.toMatchObject({ code: 'ERR_CP_ROLLBACK_UNKNOWN' });
    expect(await store.acquireLease('rb-1', 'a', 1000, 0)).toBe(1);
    // Renewed by its holder: the same token, a later expiry.
    expect(await store.acquireLease('rb-1', 'a', 1000, 900)).toBe(1);
    await expect(store.acquireLease('rb-1', 'b', 1000, 1899)).rejects.toMatchObject({ code: 'ERR_CP_LEASE_LOST' });
    expect(await store.acquireLease('rb-1', 'b', 1000, 1901)).toBe(2);
    await expect(store.acquireLease('rb-1', 'a', 1000, 1950)).rejects.toMatchObject({ code: 'ERR_CP_LEASE_LOST' });
    expect(await store.acquireLease('rb-1', 'a', 1000, 3000)).toBe(3);
    expect(await store.acquireLease('rb-1', 'a', 1000, 10_000)).toBe(3);
  });

  it('lists unfinished rollbacks oldest first and refuses unknown ids', async () => {
    const store = await make();
    for (const id of ['b', 'a', 'c']) await store.create({ ...entry, rollback: id });
    expect(await store.unfinished()).toEqual(['b', 'a', 'c']);
    expect(await store.load('nope')).toBeUndefined();
    for (const call of [
      () => store.addAttempt('nope', 0),
      () => store.settle('a', 99, { status: 'failed' }),
      () => store.finish('nope', new Uint8Array()),
      () => store.markReleased('nope'),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'ERR_CP_ROLLBACK_UNKNOWN' });
    }
  });
});

describe('sqlite durability', () => {
  it('keeps everything across closing and reopening the file', async () => {
    const path = file();
    const first = new SqliteRollbackStore(path);
    await first.create(entry);
    await first.addAttempt('rb-1', 0);
    await first.settle('rb-1', 0, { status: 'not_reversible', result: new Uint8Array([1]) });
    const before = await first.load('rb-1');
    first.close();
    const second = new SqliteRollbackStore(path);
    expect(await second.load('rb-1')).toEqual(before);
    second.close();
  });

  it('reports a file that is not a database as ERR_CP_STORE_FAILED', () => {
    const path = file();
    writeFileSync(path, 'this is not an SQLite database, just text that is long enough to have a header');
    expect(() => new SqliteRollbackStore(path)).toThrow(expect.objectContaining({ code: 'ERR_CP_STORE_FAILED' }));
  });
});

describe.skipIf(!url)(`postgres: several coordinator instances on one database${url ? '' : ` (${PG_MISSING})`}`, () => {
  const twoInstances = async () => {
    const schema = await schemas!.create();
    const first = schemas!.pool(schema);
    await migrate(first);
    return [new PostgresRollbackStore(first), new PostgresRollbackStore(schemas!.pool(schema))] as const;
  };

  it('creates a rollback raced by two instances once, with its steps once, and counts every attempt', async () => {
    const [a, b] = await twoInstances();
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).create({ ...entry, digest: `d${i}` })),
    );
    expect(new Set(created.map((c) => c.digest)).size).toBe(1);
    expect(created.every((c) => c.steps.length === 3)).toBe(true);
    const counts = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).addAttempt('rb-1', 2)));
    expect(counts.sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await a.unfinished()).toEqual(['rb-1']);
  });

  it('gives a rollback raced for by two instances to one of them', async () => {
    const [a, b] = await twoInstances();
    await a.create(entry);
    const tries = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).acquireLease('rb-1', `i${i}`, 60_000, 0)),
    );
    expect(tries.filter((t) => t.status === 'fulfilled').map((t) => t.value)).toEqual([1]);
    expect(tries.filter((t) => t.status === 'rejected').length).toBe(9);
  });

  it('shows one instance what another wrote, once written', async () => {
    const [a, b] = await twoInstances();
    await a.create(entry);
    await a.addAttempt('rb-1', 0);
    await a.settle('rb-1', 0, { status: 'not_reversible', result: new Uint8Array([1]) });
    await a.finish('rb-1', new Uint8Array([9]));
    expect(await b.load('rb-1')).toEqual(await a.load('rb-1'));
    await b.markReleased('rb-1');
    expect(await a.unfinished()).toEqual([]);
  });

  it('keeps lone surrogates in ids apart (PostgreSQL text would merge them)', async () => {
    const [a, b] = await twoInstances();
    await a.create({ ...entry, rollback: '\ud800' });
    await b.create({ ...entry, rollback: '\udfff', digest: 'other' });
    expect(await a.unfinished()).toEqual(['\ud800', '\udfff']);
    expect((await b.load('\udfff'))!.digest).toBe('other');
  });

  it('reports a database failure as ERR_CP_STORE_FAILED, never as a driver error', async () => {
    const store = new PostgresRollbackStore(await schemas!.fresh()); // not migrated: no tables
    await expect(store.create(entry)).rejects.toMatchObject({ code: 'ERR_CP_STORE_FAILED' });
    await expect(store.unfinished()).rejects.toMatchObject({ code: 'ERR_CP_STORE_FAILED' });
  });
});

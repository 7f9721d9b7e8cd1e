import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PgPoolClient } from '@safety-net/core/postgres';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { migrate, PostgresParticipantStore } from '../../src/postgres.js';
import { MemoryParticipantStore } from '../../src/rollback/index.js';
import { type SqliteDatabase, SqliteParticipantStore } from '../../src/sqlite.js';
import { participantStoreContract, transactionalContract } from './participant-store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'cp-participant-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());
let files = 0;

describe('participant store: memory', () => {
  participantStoreContract(async () => {
    const written: string[] = [];
    return {
      store: new MemoryParticipantStore(),
      write: (_tx, key) => void written.push(key),
      effects: async (key) => written.filter((k) => k === key).length,
    };
  });

  it('refuses a new entry beyond its capacity with ERR_CP_STORE_FULL, and frees a plan once it ended', async () => {
    const store = new MemoryParticipantStore({ capacity: 3 });
    const h = { rollback: 'rb', coordinator: 'c', plan: 'p' };
    await store.addAttempt('rb/t1', h);
    await store.setResult('rb/t2', Uint8Array.of(1), h);
    await store.raise(h, ['r']);
    await expect(store.addAttempt('rb/t3', h)).rejects.toMatchObject({ code: 'ERR_CP_STORE_FULL' });
    await expect(store.observeLease(h, 1)).rejects.toMatchObject({ code: 'ERR_CP_STORE_FULL' });
    // Entries already held still change.
    expect(await store.addAttempt('rb/t1', h)).toBe(2);
    await store.end(h, 100, 0);
    expect(store.size).toBe(1); // only the ended marker
    expect(await store.get('rb/t1')).toBeUndefined();
    expect(await store.addAttempt('rb/t3', h)).toBe(1);
  });

  it('stays bounded under a long run of rollbacks that complete', async () => {
    const store = new MemoryParticipantStore({ capacity: 50 });
    for (let i = 0; i < 5000; i++) {
      const h = { rollback: `rb-${i}`, coordinator: 'c', plan: `p-${i}` };
      await store.raise(h, [`r-${i}`]);
      await store.addAttempt(`rb-${i}/t`, h);
      await store.setResult(`rb-${i}/t`, Uint8Array.of(1), h);
      // Each plan is remembered for 10 s after its Complete; one completes per second.
      await store.end(h, i + 10, i);
    }
    expect(store.size).toBeLessThanOrEqual(12);
  });
});

describe('participant store: sqlite', () => {
  const make = async () => {
    const path = join(dir, `p-${files++}.sqlite`);
    const store = new SqliteParticipantStore(path);
    const open = (db: SqliteDatabase) => db.exec('CREATE TABLE IF NOT EXISTS effect (key TEXT NOT NULL)');
    const write = (db: SqliteDatabase, key: string) => {
      open(db);
      db.prepare('INSERT INTO effect (key) VALUES (?)').run(key);
    };
    const reader = new SqliteParticipantStore(path);
    return {
      store,
      write,
      effects: async (key: string) => {
        let n = 0;
        await reader
          .commit(
            `probe-${Math.random()}`,
            { rollback: '', coordinator: '', plan: '' },
            (db) => {
              open(db);
              n = (db.prepare('SELECT count(*) AS n FROM effect WHERE key = ?').get(key) as { n: number }).n;
              throw new Error('read only');
            },
            () => new Uint8Array(),
          )
          .catch(() => {});
        return n;
      },
      reopen: async () => new SqliteParticipantStore(path),
    };
  };
  participantStoreContract(make);
  transactionalContract(make);

  it('refuses an asynchronous effect: better-sqlite3 transactions are synchronous', async () => {
    const { store } = await make();
    await expect(
      store.commit(
        'k',
        { rollback: 'r', coordinator: 'c', plan: 'p' },
        async () => ({ state: 's' }),
        () => Uint8Array.of(1),
      ),
    ).rejects.toMatchObject({ code: 'ERR_CP_CONFIG_INVALID' });
    expect(await store.get('k')).toBeUndefined();
  });
});

describe.skipIf(!url)(`participant store: postgres${url ? '' : ` (${PG_MISSING})`}`, () => {
  const make = async (pool?: pg.Pool) => {
    const schema = pool ? undefined : await schemas!.create();
    const p = pool ?? schemas!.pool(schema!);
    await migrate(p);
    await p.query('CREATE TABLE IF NOT EXISTS effect (key TEXT NOT NULL)');
    return {
      pool: p,
      store: new PostgresParticipantStore(p),
      write: async (client: PgPoolClient, key: string) => {
        await client.query('INSERT INTO effect (key) VALUES ($1)', [key]);
      },
      effects: async (key: string) =>
        Number((await p.query('SELECT count(*) AS n FROM effect WHERE key = $1', [key])).rows[0].n),
      reopen: async () => new PostgresParticipantStore(schemas!.pool(schema!)),
    };
  };
  participantStoreContract(() => make());
  transactionalContract(() => make());

  it('runs an effect once when two instances commit the same key at the same moment', async () => {
    const a = await make();
    const b = new PostgresParticipantStore(a.pool);
    const h = { rollback: 'rb', coordinator: 'c', plan: 'p' };
    const commits = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a.store : b).commit(
          'k',
          h,
          async (client) => {
            await a.write(client, 'k');
            await new Promise((resolve) => setTimeout(resolve, 20));
            return { state: `s${i}` };
          },
          () => Uint8Array.of(i),
        ),
      ),
    );
    expect(commits.filter((c) => c.ran)).toHaveLength(1);
    expect(new Set(commits.map((c) => c.result[0])).size).toBe(1);
    expect(await a.effects('k')).toBe(1);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { migrateLog, PostgresLogStore } from '../../src/postgres.js';
import { SqliteLogStore } from '../../src/sqlite.js';
import { MemoryLogStore } from '../../src/store/memory-log-store.js';
import { describeLogStoreContract } from './log-store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'au-log-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describeLogStoreContract({ name: 'memory', fresh: async () => ({ store: new MemoryLogStore() }) });

describeLogStoreContract({
  name: 'SQLite',
  fresh: async () => {
    const file = join(dir, `log-${files++}.db`);
    return { store: new SqliteLogStore(file), reopen: async () => new SqliteLogStore(file) };
  },
});

const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());

describeLogStoreContract({
  name: url ? 'PostgreSQL' : `PostgreSQL (${PG_MISSING})`,
  skip: !url,
  fresh: async () => {
    const schema = await schemas!.create();
    const pool = schemas!.pool(schema);
    await migrateLog(pool);
    return { store: new PostgresLogStore(pool), reopen: async () => new PostgresLogStore(schemas!.pool(schema)) };
  },
});

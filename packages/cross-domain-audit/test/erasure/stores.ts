/**
 * The disclosure stores the erasure tests run on: memory, SQLite in a temporary directory, and PostgreSQL on a fresh
 * schema when `SAFETY_NET_TEST_PG_URL` names a server. Call `cleanup` after each test and `closeAll` after the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { type DisclosureStore, MemoryDisclosureStore } from '../../src/index.js';
import { migrateDisclosures, PostgresDisclosureStore } from '../../src/postgres.js';
import { SqliteDisclosureStore } from '../../src/sqlite.js';

const url = pgTestUrl();
const dirs: string[] = [];

/** The PostgreSQL test schemas, when a server is configured. */
export const pgSchemas = url ? new PgTestSchemas(url) : undefined;
/** Why the PostgreSQL cases are absent, for a title. */
export const pgSkipReason = url ? '' : ` (${PG_MISSING})`;

/** A fresh SQLite database file in its own directory. */
export function sqliteFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'au-vault-'));
  dirs.push(dir);
  return join(dir, 'vault.db');
}

/** A migrated PostgreSQL store on a fresh schema, with the schema's name for a second instance. */
export async function pgStore(): Promise<{ store: PostgresDisclosureStore; schema: string }> {
  const schema = await pgSchemas!.create();
  const pool = pgSchemas!.pool(schema);
  await migrateDisclosures(pool);
  return { store: new PostgresDisclosureStore(pool), schema };
}

/** Each store by name; PostgreSQL only with a server. */
export const STORES: [string, () => Promise<DisclosureStore>][] = [
  ['memory', async () => new MemoryDisclosureStore()],
  ['sqlite', async () => new SqliteDisclosureStore(sqliteFile())],
  ...(url ? [['postgres', async () => (await pgStore()).store] as [string, () => Promise<DisclosureStore>]] : []),
];

/** Two instances of one store, as two processes of a domain would open it. */
export const SHARED: [string, () => Promise<[DisclosureStore, DisclosureStore]>][] = [
  [
    'memory',
    async () => {
      const store = new MemoryDisclosureStore();
      return [store, store];
    },
  ],
  [
    'sqlite',
    async () => {
      const file = sqliteFile();
      return [new SqliteDisclosureStore(file), new SqliteDisclosureStore(file)];
    },
  ],
  ...(url
    ? [
        [
          'postgres',
          async () => {
            const { store, schema } = await pgStore();
            return [store, new PostgresDisclosureStore(pgSchemas!.pool(schema))];
          },
        ] as [string, () => Promise<[DisclosureStore, DisclosureStore]>],
      ]
    : []),
];

export function cleanup(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const closeAll = () => pgSchemas?.close();

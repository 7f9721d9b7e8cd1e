import { poolOn } from '../../../../test-support/postgres.js';
import { PostgresRollbackStore } from '../../src/postgres.js';
import type { RollbackStore } from '../../src/rollback/index.js';
import { SqliteRollbackStore } from '../../src/sqlite.js';

/**
 * Where a coordinator keeps its progress, as command-line words a test passes to a coordinator process:
 * `sqlite <file>` or `postgres <url> <schema>` (a schema the test created and migrated).
 */
export type StoreSpec = readonly ['sqlite', string] | readonly ['postgres', string, string];

/** Opens the durable store `spec` names; `close` releases its file or its pool. */
export function openStore(spec: StoreSpec): { store: RollbackStore; close: () => Promise<void> } {
  if (spec[0] === 'sqlite') {
    const store = new SqliteRollbackStore(spec[1]);
    return { store, close: async () => store.close() };
  }
  const pool = poolOn(spec[1], spec[2]);
  return { store: new PostgresRollbackStore(pool), close: () => pool.end() };
}

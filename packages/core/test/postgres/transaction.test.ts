import { coreStoreFailure, inTransaction, storeCall } from '@safety-net/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';

const url = pgTestUrl();

describe.skipIf(!url)(`PostgreSQL transactions under failure${url ? '' : ` (${PG_MISSING})`}`, () => {
  const schemas = new PgTestSchemas(url!);
  afterAll(() => schemas.close());

  it('survives its connection being killed mid-transaction: typed error, nothing committed, pool usable', async () => {
    const pool = schemas.pool(await schemas.create(), 1);
    const admin = schemas.pool(await schemas.create(), 1);
    await pool.query('CREATE TABLE t (a INT)');
    const failed = storeCall(coreStoreFailure, 'test', () =>
      inTransaction(pool, async (client) => {
        await client.query('INSERT INTO t VALUES (1)');
        const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [(rows[0] as { pid: number }).pid]);
        // The server's notice of termination arrives while no query runs: an `error` event nobody else hears.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await client.query('INSERT INTO t VALUES (2)');
      }),
    );
    await expect(failed).rejects.toMatchObject({ code: 'ERR_STORE_FAILED' });
    // The pool (one connection) gave the dead client up and opened a new one.
    expect((await pool.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });

  it('reports a server it cannot reach as the store code', async () => {
    const unreachable = new URL(url!);
    unreachable.port = '1';
    const { Pool } = (await import('pg')).default;
    const pool = new Pool({ connectionString: unreachable.href, connectionTimeoutMillis: 2000 });
    try {
      await expect(
        storeCall(coreStoreFailure, 'test', () => inTransaction(pool, async () => undefined)),
      ).rejects.toMatchObject({ code: 'ERR_STORE_FAILED', cause: expect.any(Error) });
    } finally {
      await pool.end();
    }
  });
});

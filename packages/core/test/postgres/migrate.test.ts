import { snError } from '@safety-net/core';
import { coreStoreFailure } from '@safety-net/core/internal';
import { migrate, runMigrations } from '@safety-net/core/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';

const url = pgTestUrl();

describe.skipIf(!url)(`PostgreSQL schema migration${url ? '' : ` (${PG_MISSING})`}`, () => {
  const schemas = new PgTestSchemas(url!);
  afterAll(() => schemas.close());

  const tables = async (schema: string) => {
    const { rows } = await schemas
      .pool(schema)
      .query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema]);
    return rows.map((r) => r.table_name);
  };

  it('creates the tables once: eight instances starting at the same moment all succeed', async () => {
    const schema = await schemas.create();
    const versions = await Promise.all(Array.from({ length: 8 }, () => migrate(schemas.pool(schema, 1))));
    expect(versions).toEqual(Array(8).fill(1));
    expect(await tables(schema)).toEqual(['sn_ledger', 'sn_ledger_head', 'sn_replay', 'sn_schema_version']);
    const pool = schemas.pool(schema);
    // Run again later: nothing to do, and the ledger's counter is not reset.
    await pool.query('UPDATE sn_ledger_head SET next = 7');
    expect(await migrate(pool)).toBe(1);
    expect((await pool.query('SELECT next FROM sn_ledger_head')).rows).toEqual([{ next: '7' }]);
  });

  it('applies only the steps a component has not reached, and records its version', async () => {
    const pool = await schemas.fresh();
    const steps = ['CREATE TABLE t1 (a INT)', 'CREATE TABLE t2 (b INT)'];
    const component = { component: 'demo', fail: coreStoreFailure } as const;
    expect(await runMigrations(pool, { ...component, steps: steps.slice(0, 1) })).toBe(1);
    expect(await runMigrations(pool, { ...component, steps })).toBe(2);
    expect(await runMigrations(pool, { ...component, steps })).toBe(2);
    const { rows } = await pool.query('SELECT component, version FROM sn_schema_version');
    expect(rows).toEqual([{ component: 'demo', version: 2 }]);
  });

  it('refuses a schema migrated by a newer release, and rolls back a failed step entirely', async () => {
    const pool = await schemas.fresh();
    const base = { component: 'demo', fail: coreStoreFailure } as const;
    await runMigrations(pool, { ...base, steps: ['CREATE TABLE t1 (a INT)', 'CREATE TABLE t2 (b INT)'] });
    await expect(runMigrations(pool, { ...base, steps: ['CREATE TABLE t1 (a INT)'] })).rejects.toMatchObject({
      code: 'ERR_STORE_FAILED',
      message: expect.stringContaining('version 2'),
    });
    const other = { component: 'other', fail: (d: string) => snError('ERR_INPUT_INVALID', d) } as const;
    await expect(
      runMigrations(pool, { ...other, steps: ['CREATE TABLE t3 (c INT)', 'CREATE TABLE t1 (a INT)'] }),
    ).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't3'");
    expect(rows).toEqual([{ n: 0 }]);
  });
});

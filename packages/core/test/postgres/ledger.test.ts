import { migrate, PostgresLedger } from '@safety-net/core/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { codeOf, describeLedger, entry } from '../ledger/contract.js';

const url = pgTestUrl();

describe.skipIf(!url)(`PostgresLedger${url ? '' : ` (${PG_MISSING})`}`, () => {
  const schemas = new PgTestSchemas(url!);
  afterAll(() => schemas.close());

  describeLedger('postgres, two pools', async () => {
    const schema = await schemas.create();
    const first = schemas.pool(schema);
    await migrate(first);
    return [new PostgresLedger(first), new PostgresLedger(schemas.pool(schema))];
  });

  it('iterates a ledger longer than one page, in order', async () => {
    const pool = await schemas.fresh();
    await migrate(pool);
    const ledger = new PostgresLedger(pool);
    for (let i = 0; i < 501; i++) await ledger.append(entry(`t${i}`));
    let expected = 0;
    for await (const r of ledger) expect([r.seq, r.claims.jti]).toEqual([expected, `t${expected++}`]);
    expect(expected).toBe(501);
  });

  it('refuses claims nested too deeply to store as ERR_CLAIMS_INVALID, storing nothing', async () => {
    const pool = await schemas.fresh();
    await migrate(pool);
    const ledger = new PostgresLedger(pool);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(await codeOf(() => ledger.append(entry('deep', 'w', { ect_ext: { deep } })))).toBe('ERR_CLAIMS_INVALID');
    expect(await ledger.size()).toBe(0);
  });

  it('reports a database failure as ERR_STORE_FAILED', async () => {
    const ledger = new PostgresLedger(await schemas.fresh()); // not migrated
    expect(await codeOf(() => ledger.append(entry('a')))).toBe('ERR_STORE_FAILED');
    expect(await codeOf(() => ledger.get('a'))).toBe('ERR_STORE_FAILED');
    expect(await codeOf(() => ledger.size())).toBe('ERR_STORE_FAILED');
  });
});

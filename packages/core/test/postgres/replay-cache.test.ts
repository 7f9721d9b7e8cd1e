import { migrate, PostgresReplayCache } from '@safety-net/core/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { describeReplayCacheContract } from '../../../../test-support/replay-cache-contract.js';

const url = pgTestUrl();

describe.skipIf(!url)(`PostgresReplayCache${url ? '' : ` (${PG_MISSING})`}`, () => {
  const schemas = new PgTestSchemas(url!);
  afterAll(() => schemas.close());

  // Two pools on one schema, two verifier instances sharing the cache: their handles alternate.
  describeReplayCacheContract('PostgresReplayCache, two pools', async () => {
    const schema = await schemas.create();
    const pools = [schemas.pool(schema), schemas.pool(schema)];
    await migrate(pools[0]!);
    const caches = pools.map((pool) => new PostgresReplayCache(pool));
    let next = 0;
    return { instance: () => caches[next++ % 2]! };
  });

  it('keeps ids exact: NUL, quotes, backslashes and lone surrogates are ids of their own', async () => {
    const pool = await schemas.fresh();
    await migrate(pool);
    const cache = new PostgresReplayCache(pool);
    const ids = ['a\u0000b', 'a', 'x"\\', '\ud800', '\udfff', '\ufffd', '\\u0000', '\u0000'];
    for (const id of ids) expect([id, await cache.remember(id, 100, 10)]).toEqual([id, true]);
    for (const id of ids) expect([id, await cache.remember(id, 100, 10)]).toEqual([id, false]);
  });

  it('purges only the ids whose time has passed', async () => {
    const pool = await schemas.fresh();
    await migrate(pool);
    const cache = new PostgresReplayCache(pool);
    await cache.remember('old', 100, 10);
    await cache.remember('live', 300, 10);
    expect(await cache.purge(200)).toBe(1);
    expect(await cache.remember('live', 300, 200)).toBe(false);
    expect(await cache.remember('old', 400, 200)).toBe(true);
  });

  it('reports a database failure as ERR_STORE_FAILED, never as a driver error', async () => {
    const cache = new PostgresReplayCache(await schemas.fresh()); // not migrated: the table is missing
    await expect(cache.remember('j', 100, 10)).rejects.toMatchObject({
      code: 'ERR_STORE_FAILED',
      message: expect.stringContaining('sn_replay'),
    });
  });
});

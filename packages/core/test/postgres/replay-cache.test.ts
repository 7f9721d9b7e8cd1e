import { ect, publicKeyOf } from '@safety-net/core';
import { migrate, PostgresReplayCache } from '@safety-net/core/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { describeReplayCache } from '../../../../test-support/replay-cache-contract.js';
import { clock, ectClaims, testKey } from '../messages/fixtures.js';

const url = pgTestUrl();

describe.skipIf(!url)(`PostgresReplayCache${url ? '' : ` (${PG_MISSING})`}`, () => {
  const schemas = new PgTestSchemas(url!);
  afterAll(() => schemas.close());

  // Two pools on one schema: two verifier instances sharing the cache.
  describeReplayCache('postgres, two pools', async () => {
    const schema = await schemas.create();
    const first = schemas.pool(schema);
    await migrate(first);
    return [new PostgresReplayCache(first), new PostgresReplayCache(schemas.pool(schema))];
  });

  it('lets one of two verifier instances accept a signed ECT and refuses it at both afterwards', async () => {
    const schema = await schemas.create();
    await migrate(schemas.pool(schema));
    const [first, second] = [schemas.pool(schema), schemas.pool(schema)].map((p) => new PostgresReplayCache(p));
    const key = testKey('Ed25519');
    const bytes = ect.sign(ectClaims(), key);
    const verify = (replay: PostgresReplayCache) => ect.verifyAsync(bytes, { key: publicKeyOf(key), clock, replay });
    const results = await Promise.all([verify(first!), verify(second!), verify(first!), verify(second!)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(Array(3).fill('ERR_CLAIMS_REPLAY'));
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

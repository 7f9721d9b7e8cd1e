import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCbor, generateKey, seededRandom, signSign1 } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { TransparencyLog } from '../../src/log/transparency-log.js';
import { migrateLog, PostgresLogStore } from '../../src/postgres.js';
import { SqliteLogStore } from '../../src/sqlite.js';
import { MemoryLogStore } from '../../src/store/memory-log-store.js';
import { testCheckpointSigner } from '../support/checkpoint-signer.js';
import { LOG_KEY, ORIGIN } from '../support/log-fixture.js';
import { describeLogStoreContract } from './log-store-contract.js';

const signer = generateKey('Ed25519', seededRandom('postgres-log-backfill'));
/** A signed record whose `wid` the workflow index reads. */
const eatEntry = (jti: string, wid: string) => ({
  kind: 'eat' as const,
  body: signSign1(
    encodeCbor(
      new Map([
        ['jti', jti],
        ['wid', wid],
      ]) as never,
    ),
    signer,
    {
      protectedHeader: { typ: 'application/sd-cwt' },
    },
  ),
});

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

describe.skipIf(!url)(`PostgreSQL log schema${url ? '' : ` (${PG_MISSING})`}`, () => {
  it('migrates a schema of step 2 whose entries have no index rows: the backfill starts from the first', async () => {
    const schema = await schemas!.create();
    const pool = schemas!.pool(schema);
    await migrateLog(pool);
    const log = new TransparencyLog({
      origin: ORIGIN,
      store: new PostgresLogStore(pool),
      signer: testCheckpointSigner(LOG_KEY),
    });
    await log.append(Array.from({ length: 5 }, (_, i) => eatEntry(`r${i}`, `wf-${i % 2}`)));
    // Back to the layout of step 2, whose sequencing wrote no index rows.
    await pool.query(`DELETE FROM au_log_workflow;
      DROP TABLE au_log_workflow_backfill;
      UPDATE sn_schema_version SET version = 2 WHERE component = 'cross-domain-audit-log'`);
    expect(await log.workflow('wf-0', 10)).toEqual([]);
    expect(await migrateLog(pool)).toBe(3);
    expect(await log.backfillWorkflowIndex({ batch: 2 })).toEqual({ indexed: 5, size: 5 });
    expect(await log.workflow('wf-0', 10)).toEqual([0, 2, 4]);
    expect(await log.workflow('wf-1', 10)).toEqual([1, 3]);
  });
});

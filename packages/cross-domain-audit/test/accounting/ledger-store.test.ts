import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import {
  ConsumptionLedger,
  type ConsumptionLedgerStore,
  consumptionDigest,
  MemoryLedgerStore,
  type RecordDuplicateError,
} from '../../src/index.js';
import { migrateLedger, PostgresLedgerStore } from '../../src/postgres.js';
import { SqliteLedgerStore } from '../../src/sqlite.js';
import { clock, keys, NOW } from './fixtures.js';
import { countersignedRecord, recordClaims } from './records.js';

const dir = mkdtempSync(join(tmpdir(), 'au-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());
let files = 0;
const file = () => join(dir, `ledger-${files++}.sqlite`);

const stores: { name: string; skip?: boolean; make: () => Promise<ConsumptionLedgerStore> }[] = [
  { name: 'memory', make: async () => new MemoryLedgerStore() },
  { name: 'sqlite file', make: async () => new SqliteLedgerStore(file()) },
  {
    name: url ? 'postgres' : `postgres (${PG_MISSING})`,
    skip: !url,
    make: async () => {
      const pool = await schemas!.fresh();
      await migrateLedger(pool);
      return new PostgresLedgerStore(pool);
    },
  },
];

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );

describe.each(stores)('consumption ledger: $name', ({ make, skip }) => {
  if (skip) {
    it.skip(PG_MISSING, () => {});
    return;
  }

  it('ingests once: a retry is ERR_AU_RECORD_DUPLICATE carrying the original, another digest for the id is ERR_AU_CONFLICT', async () => {
    const store = await make();
    const ledger = new ConsumptionLedger({ store, keys, clock });
    const bytes = countersignedRecord(0);
    const first = await ledger.ingest(bytes);
    expect(first).toMatchObject({ index: 0, digest: consumptionDigest(recordClaims(0)) });
    expect((await ledger.ingest(countersignedRecord(1))).index).toBe(1);
    // Countersigned again (P-256 signatures differ each time): other bytes, the same content digest.
    const retry = await ledger.ingest(countersignedRecord(0)).catch((e: RecordDuplicateError) => e);
    expect(retry).toMatchObject({ code: 'ERR_AU_RECORD_DUPLICATE', original: { index: 0, digest: first.digest } });
    const conflict = await ledger.ingest(countersignedRecord(0, 5)).catch((e: { code: string; holder: unknown }) => e);
    expect(conflict).toMatchObject({ code: 'ERR_AU_CONFLICT', holder: { index: 0 } });
    expect((await store.list()).map((r) => r.index)).toEqual([0, 1]);
    expect((await store.get(first.digest))?.record).toEqual(bytes);
  });

  it('lists a consumer’s records of a period in index order', async () => {
    const store = await make();
    const ledger = new ConsumptionLedger({ store, keys, clock });
    for (let i = 0; i < 3; i++) await ledger.ingest(countersignedRecord(i));
    const period = recordClaims(0).period;
    expect(
      (await ledger.records({ consumer: recordClaims(0).consumer, from: period.start, to: period.end })).map(
        (r) => r.jti,
      ),
    ).toEqual(['cr-test-0', 'cr-test-1', 'cr-test-2']);
    expect(await ledger.records({ consumer: 'someone.else.example' })).toEqual([]);
    expect(await ledger.records({ from: period.start + 1 })).toEqual([]);
  });

  it('admits exactly one of 100 concurrent submissions of one record', async () => {
    const store = await make();
    const ledgers = Array.from({ length: 4 }, () => new ConsumptionLedger({ store, keys, clock }));
    const bytes = countersignedRecord(7);
    const codes = await Promise.all(Array.from({ length: 100 }, (_, i) => codeOf(ledgers[i % 4]!.ingest(bytes))));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'ERR_AU_RECORD_DUPLICATE')).toHaveLength(99);
    expect(await store.list()).toHaveLength(1);
  });

  it('refuses a record without the countersignature and one too old to ingest, storing neither', async () => {
    const store = await make();
    const ledger = new ConsumptionLedger({ store, keys, clock });
    const { signConsumption } = await import('../../src/index.js');
    const { ACCOUNTING_KEYS } = await import('../../src/testing.js');
    expect(await codeOf(ledger.ingest(signConsumption(recordClaims(0), ACCOUNTING_KEYS.provider)))).toBe(
      'ERR_AU_COUNTERSIGNATURE_MISSING',
    );
    const late = new ConsumptionLedger({ store, keys, clock: { now: () => (NOW + 36 * 86_400) * 1000 } });
    expect(await codeOf(late.ingest(countersignedRecord(0)))).toBe('ERR_CLAIMS_EXPIRED');
    expect(await store.list()).toEqual([]);
  });
});

describe('consumption ledger store failures', () => {
  it('reports a driver failure as ERR_AU_STORE_FAILED, with the driver error as the cause', async () => {
    const store = new SqliteLedgerStore(file());
    store.close();
    const e = await store.list().catch((x: { code: string; cause: unknown }) => x);
    expect(e).toMatchObject({ code: 'ERR_AU_STORE_FAILED' });
    expect((e as { cause: unknown }).cause).toBeInstanceOf(Error);
  });

  it.skipIf(!url)(
    `on PostgreSQL too, when the tables were never migrated${url ? '' : ` (${PG_MISSING})`}`,
    async () => {
      const store = new PostgresLedgerStore(await schemas!.fresh());
      const ledger = new ConsumptionLedger({ store, keys, clock });
      expect(await codeOf(ledger.ingest(countersignedRecord(0)))).toBe('ERR_AU_STORE_FAILED');
    },
  );
});

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const script = fileURLToPath(new URL('./ingest-process.ts', import.meta.url));

/** Runs the ingesting process; `onLine` sees each line of its output as it arrives. */
function ingestProcess(args: string[], onLine: (line: string, child: ChildProcess) => void = () => {}) {
  return new Promise<{ lines: string[]; signal: NodeJS.Signals | null; code: number | null; err: string }>(
    (resolve) => {
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, ...args], {
        cwd: repoRoot,
      });
      const lines: string[] = [];
      let buffered = '';
      let err = '';
      child.stdout.on('data', (d) => {
        buffered += d;
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        for (const line of parts) {
          lines.push(line);
          onLine(line, child);
        }
      });
      child.stderr.on('data', (d) => (err += d));
      child.on('exit', (code, signal) => resolve({ lines, code, signal, err }));
    },
  );
}

describe('consumption ledger on SQLite under SIGKILL', () => {
  it('loses nothing acknowledged and counts nothing twice when the meter is killed mid-ingestion and retries', async () => {
    const db = file();
    const count = 120;
    const first = await ingestProcess([db, String(count)], (line, child) => {
      if (line === 'ack 40 40') child.kill('SIGKILL');
    });
    expect(first.signal).toBe('SIGKILL');
    const acked = first.lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.split(' ')[1]));
    expect(acked.length).toBeGreaterThan(40);
    expect(acked.length).toBeLessThan(count);
    // The retry resubmits everything: what was acknowledged (and anything written but not yet acknowledged) comes
    // back as a duplicate with its original index; the rest is ingested.
    const second = await ingestProcess([db, String(count)]);
    expect(second.code, second.err).toBe(0);
    const dups = second.lines.filter((l) => l.startsWith('dup ')).map((l) => Number(l.split(' ')[1]));
    for (const i of acked) expect(dups).toContain(i);
    const store = new SqliteLedgerStore(db);
    const all = await store.list();
    store.close();
    expect(all).toHaveLength(count);
    expect(all.map((r) => r.index)).toEqual([...Array(count).keys()]);
    expect(new Set(all.map((r) => r.jti)).size).toBe(count);
    for (const line of first.lines) {
      const [, i, index] = line.split(' ').map(Number);
      expect(all[index!]!.jti).toBe(`cr-test-${i}`);
    }
  });
});

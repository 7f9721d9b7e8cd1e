/**
 * The log as a view of the agents' work (spec §5.10): the ECTs its EATs audit, as DAG nodes, read incrementally
 * from any of the log's stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EctDag, fixedClock, isSafetyNetError, publicKeyOf, seededRandom } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { AuditedWork } from '../../src/log/audited-work.js';
import { type LogEntry, logForm } from '../../src/log/entry.js';
import type { EatClaims } from '../../src/messages/eat.js';
import { tombstone } from '../../src/messages/tombstone.js';
import { migrateLog, PostgresLogStore } from '../../src/postgres.js';
import { issueEat } from '../../src/sd/audit-token.js';
import { SqliteLogStore } from '../../src/sqlite.js';
import type { LogStore } from '../../src/store/log-store.js';
import { MemoryLogStore } from '../../src/store/memory-log-store.js';
import {
  disclosureSampleKey,
  EAT_SAMPLE_KEYS,
  SAMPLE_NOW,
  sampleEatClaims,
  sampleTombstoneClaims,
} from '../../src/testing.js';
import { testLog } from '../support/log-fixture.js';

const clock = fixedClock((SAMPLE_NOW + 600) * 1000);
const key = publicKeyOf(EAT_SAMPLE_KEYS.domain);
const AGENT = 'spiffe://pharmacy.example/agent/dispenser';

/** The EAT of ECT `jti` (issued by the sample agent), recorded at `iat`, as a log entry. */
function eatEntry(jti: string, iat: number, overrides: Partial<EatClaims> = {}, signer = EAT_SAMPLE_KEYS.domain) {
  const claims: EatClaims = {
    ...sampleEatClaims,
    jti: `au-eat-${jti}`,
    iat,
    time: { start: iat - 2, end: iat - 1 },
    pred: [jti, 'ect-prescribe-7'],
    ect: { ...sampleEatClaims.ect, jti, iss: AGENT },
    stitch: undefined,
    ...overrides,
  };
  const { token } = issueEat(claims, signer, { random: seededRandom(jti) });
  return { kind: 'eat', body: logForm(token) } satisfies LogEntry;
}

/** A store that counts the entries it is asked for, to show what each read costs. */
function counting(store: LogStore): { store: LogStore; ranges: [number, number][] } {
  const ranges: [number, number][] = [];
  const counted: LogStore = {
    sequence: (work) => store.sequence(work),
    state: () => store.state(),
    hashes: (ids) => store.hashes(ids),
    hashRange: (level, from, to) => store.hashRange(level, from, to),
    entries: (from, to) => {
      ranges.push([from, to]);
      return store.entries(from, to);
    },
    indexOf: (leafHash) => store.indexOf(leafHash),
    checkpointAt: (size) => store.checkpointAt(size),
    workflow: (key, limit) => store.workflow(key, limit),
    backfillWorkflows: (keysOf, limit) => store.backfillWorkflows(keysOf, limit),
    close: () => store.close(),
  };
  return { store: counted, ranges };
}

const dir = mkdtempSync(join(tmpdir(), 'audited-work-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());
const stores: [string, () => Promise<LogStore>, boolean][] = [
  ['memory', async () => new MemoryLogStore(), false],
  ['SQLite', async () => new SqliteLogStore(join(dir, `log-${files++}.db`)), false],
  [
    url ? 'PostgreSQL' : `PostgreSQL (${PG_MISSING})`,
    async () => {
      const pool = await schemas!.fresh();
      await migrateLog(pool);
      return new PostgresLogStore(pool);
    },
    !url,
  ],
];

for (const [name, open, skip] of stores)
  describe.skipIf(skip)(`AuditedWork over the ${name} store`, () => {
    it('yields the audited ECT of each EAT: ids, issuer and action from the EAT, iat the EAT’s, pred after the first', async () => {
      const store = await open();
      const log = testLog(store);
      await log.append([
        eatEntry('ect-1', SAMPLE_NOW),
        eatEntry('ect-2', SAMPLE_NOW + 40, { action: 'pharmacy.dispense' }),
      ]);
      const view = new AuditedWork({ store, key, clock });
      const nodes = [...(await view.read())];
      expect(nodes).toEqual([
        {
          jti: 'ect-1',
          wid: 'wf-dispense-17',
          iat: SAMPLE_NOW,
          iss: AGENT,
          exec_act: 'dispense',
          pred: ['ect-prescribe-7'],
          ect_ext: undefined,
          payload: { index: 0, eat: 'au-eat-ect-1' },
          position: 0,
        },
        {
          jti: 'ect-2',
          wid: 'wf-dispense-17',
          iat: SAMPLE_NOW + 40,
          iss: AGENT,
          exec_act: 'pharmacy.dispense',
          pred: ['ect-prescribe-7'],
          ect_ext: undefined,
          payload: { index: 1, eat: 'au-eat-ect-2' },
          position: 1,
        },
      ]);
      expect(Object.isFrozen(nodes[0])).toBe(true);
      // The nodes are what an ECT DAG takes (the predecessor they name first).
      const dag = new EctDag();
      dag.insert({
        jti: 'ect-prescribe-7',
        wid: 'wf-dispense-17',
        iat: SAMPLE_NOW - 60,
        iss: AGENT,
        exec_act: 'x',
        pred: [],
      });
      for (const node of nodes) dag.insert({ ...node, pred: [...node.pred] });
      expect(dag.size).toBe(3);
      await store.close();
    });

    it('reads only what was appended since the last read, and each read is a snapshot', async () => {
      const { store, ranges } = counting(await open());
      const log = testLog(store);
      const view = new AuditedWork({ store, key, clock, batch: 2 });
      expect([...(await view.read())]).toEqual([]);
      await log.append([1, 2, 3].map((n) => eatEntry(`ect-${n}`, SAMPLE_NOW + n)));
      const first = await view.read();
      expect(ranges).toEqual([
        [0, 2],
        [2, 3],
      ]);
      await log.append([eatEntry('ect-4', SAMPLE_NOW + 4)]);
      const second = await view.read();
      expect(ranges.slice(2)).toEqual([[3, 4]]);
      expect([...first].map((n) => n.jti)).toEqual(['ect-1', 'ect-2', 'ect-3']);
      expect([...second].map((n) => n.jti)).toEqual(['ect-1', 'ect-2', 'ect-3', 'ect-4']);
      expect(view.position).toBe(4);
      // Concurrent reads run one after the other: every entry is read once.
      await log.append([eatEntry('ect-5', SAMPLE_NOW + 5)]);
      const [a, b] = await Promise.all([view.read(), view.read()]);
      expect(ranges.slice(3)).toEqual([[4, 5]]);
      expect([...a].length).toBe(5);
      expect([...b].length).toBe(5);
      await store.close();
    });

    it('skips entries other than EATs, keeps an ECT’s first EAT, and still counts an erased record', async () => {
      const store = await open();
      const log = testLog(store);
      const erasing = tombstone.sign({ ...sampleTombstoneClaims, entries: [0] }, EAT_SAMPLE_KEYS.domain);
      await log.append([
        eatEntry('ect-1', SAMPLE_NOW),
        { kind: 'tombstone', body: logForm(erasing) },
        { kind: 'ect', body: logForm(erasing) },
        eatEntry('ect-1', SAMPLE_NOW + 90, { jti: 'au-eat-again' }),
      ]);
      const nodes = [...(await new AuditedWork({ store, key, clock }).read())];
      expect(nodes.map((n) => [n.jti, n.iat, n.payload])).toEqual([
        ['ect-1', SAMPLE_NOW, { index: 0, eat: 'au-eat-ect-1' }],
      ]);
      await store.close();
    });

    it('stops at an EAT that does not verify, with its code, and stays there', async () => {
      const store = await open();
      const log = testLog(store);
      const stranger = disclosureSampleKey('stranger');
      await log.append([eatEntry('ect-1', SAMPLE_NOW), eatEntry('ect-2', SAMPLE_NOW, {}, stranger)]);
      const view = new AuditedWork({ store, key, clock });
      const code = (e: unknown) => (isSafetyNetError(e) ? e.code : String(e));
      await expect(view.read().catch(code)).resolves.toBe('ERR_COSE_BAD_SIGNATURE');
      expect(view.position).toBe(1);
      await log.append([eatEntry('ect-3', SAMPLE_NOW)]);
      await expect(view.read().catch(code)).resolves.toBe('ERR_COSE_BAD_SIGNATURE');
      expect(view.position).toBe(1);
      await store.close();
    });
  });

describe('AuditedWork options', () => {
  it('refuses a batch size out of range', () => {
    for (const batch of [0, 65_537, 1.5]) {
      expect(() => new AuditedWork({ store: new MemoryLogStore(), key, batch })).toThrow(
        expect.objectContaining({ code: 'ERR_AU_CONFIG_INVALID' }),
      );
    }
  });
});

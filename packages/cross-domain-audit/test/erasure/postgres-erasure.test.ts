import { fixedClock, seededRandom } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  builtinProfiles,
  bytesKeyEncryptionKey,
  DisclosureVault,
  Eraser,
  issueEat,
  logForm,
  MemoryLogStore,
  ReceiptIssuer,
} from '../../src/index.js';
import { PostgresDisclosureStore } from '../../src/postgres.js';
import { EAT_SAMPLE_KEYS, erasureSampleKey, SAMPLE_NOW, sampleEatClaims } from '../../src/testing.js';
import { testLog } from '../support/log-fixture.js';
import { closeAll, pgSchemas, pgSkipReason, pgStore } from './stores.js';

afterAll(closeAll);

const kek = () => bytesKeyEncryptionKey('k1', new Uint8Array(32).fill(5));

describe.skipIf(!pgSchemas)(`erasure on PostgreSQL really destroys${pgSkipReason}`, () => {
  it('deletes the key and ciphertext rows, vacuums their tables, and a reopened store cannot open them', async () => {
    const { store, schema } = await pgStore();
    const vault = new DisclosureVault({ store, kek: kek() });
    const log = testLog(new MemoryLogStore());
    const key = erasureSampleKey();
    const clock = fixedClock(SAMPLE_NOW * 1000);
    const receipts = new ReceiptIssuer({ origin: log.origin, key, clock });
    const eraser = new Eraser({ vault, log, receipts, key, issuer: 'audit.pharmacy.example', clock });
    const claims = {
      ...sampleEatClaims,
      reg: { ...sampleEatClaims.reg, profiles: [builtinProfiles().ref('gdpr-art30')] },
    };
    const issued = issueEat(claims, EAT_SAMPLE_KEYS.domain, { random: seededRandom('pg-erase') });
    const entry = await log.add({ kind: 'eat', body: logForm(issued.token) });
    const [alice, bob] = issued.disclosures.filter((d) => d.path === 'reg.subjects');
    await vault.storeEat(issued, {
      entry,
      subjects: new Map([
        [alice!.digest, 'alice'],
        [bob!.digest, 'bob'],
      ]),
    });

    const pool = pgSchemas!.pool(schema);
    const rows = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows;
    expect(await rows('SELECT owner FROM au_sd_key WHERE owner = $1', ['alice'])).toHaveLength(1);
    expect(await eraser.erase('alice')).toMatchObject({ tombstone: expect.anything(), restricted: [] });

    // Gone from the tables as any other client of the database reads them.
    expect(await rows('SELECT owner FROM au_sd_key WHERE owner = $1', ['alice'])).toEqual([]);
    expect(await rows('SELECT digest FROM au_sd_sealed WHERE owner = $1', ['alice'])).toEqual([]);
    expect(await rows('SELECT digest FROM au_sd_sealed WHERE owner = $1', ['bob'])).toHaveLength(1);
    const erased = await rows('SELECT digest FROM au_sd_erased', []);
    expect(erased).toEqual([{ digest: alice!.digest }]);
    // The destruction vacuumed the tables that held the rows.
    const vacuumed = await rows(
      `SELECT relname FROM pg_stat_user_tables WHERE schemaname = $1 AND last_vacuum IS NOT NULL ORDER BY relname`,
      [schema],
    );
    expect(vacuumed.map((r) => r.relname)).toEqual(['au_sd_key', 'au_sd_pending', 'au_sd_sealed']);
    // No row anywhere in the schema names the subject or holds its disclosure's bytes.
    const dump = await rows(
      `SELECT string_agg(t::text, ' ') AS all FROM (
         SELECT row_to_json(r)::text AS t FROM au_sd_record r UNION ALL SELECT row_to_json(s)::text FROM au_sd_sealed s
         UNION ALL SELECT row_to_json(k)::text FROM au_sd_key k UNION ALL SELECT row_to_json(i)::text FROM au_sd_intent i
         UNION ALL SELECT row_to_json(p)::text FROM au_sd_pending p) x`,
      [],
    );
    expect(dump[0].all).not.toContain('alice');
    expect(dump[0].all).toContain('bob');

    // Another instance, on its own pool and with the same key-encryption key, opens Bob's and not Alice's.
    const reopened = new DisclosureVault({ store: new PostgresDisclosureStore(pgSchemas!.pool(schema)), kek: kek() });
    await expect(reopened.open(entry.leafHash, alice!.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
    expect(await reopened.open(entry.leafHash, bob!.digest)).toEqual(bob!.disclosure);
  });
});

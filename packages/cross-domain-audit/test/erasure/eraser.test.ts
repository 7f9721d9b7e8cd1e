import { existsSync, readFileSync } from 'node:fs';
import {
  decodeCbor,
  fixedClock,
  publicKeyOf,
  seededRandom,
  utf8,
  verifyConsistency,
  verifyInclusion,
} from '@safety-net/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  builtinProfiles,
  bytesKeyEncryptionKey,
  type DisclosureStore,
  DisclosureVault,
  type EatClaims,
  Eraser,
  type EraserOptions,
  encodeLogEntry,
  issueEat,
  logForm,
  MemoryLogStore,
  ReceiptIssuer,
  subjectDigest,
  tombstone,
  verifyReceipt,
} from '../../src/index.js';
import { SqliteDisclosureStore } from '../../src/sqlite.js';
import { EAT_SAMPLE_KEYS, erasureSampleKey, SAMPLE_NOW, sampleEatClaims } from '../../src/testing.js';
import { testLog } from '../support/log-fixture.js';
import { cleanup, closeAll, SHARED, STORES, sqliteFile } from './stores.js';

const DAY = 86_400;
afterEach(cleanup);
afterAll(closeAll);

/** A GDPR-only record (no retention minimum in law) or one under SOX as well (seven years kept). */
function record(jti: string, profiles: string[]): EatClaims {
  const set = builtinProfiles();
  return {
    ...sampleEatClaims,
    jti,
    reg: { ...sampleEatClaims.reg, profiles: profiles.map((p) => set.ref(p)), retention_class: 'audit' },
  };
}

const options = new WeakMap<Eraser, EraserOptions>();
const eraserOptions = (e: Eraser) => options.get(e)!;

const KEK = () => bytesKeyEncryptionKey('k1', new Uint8Array(32).fill(5));

async function setup(store: DisclosureStore, log = testLog(new MemoryLogStore())) {
  const vault = new DisclosureVault({ store, kek: KEK() });
  const receiptKey = erasureSampleKey();
  const clock = fixedClock(SAMPLE_NOW * 1000);
  const receipts = new ReceiptIssuer({ origin: log.origin, key: receiptKey, clock });
  const eraser = new Eraser({ vault, log, receipts, key: receiptKey, issuer: 'audit.pharmacy.example', clock });
  const logEat = async (claims: EatClaims, pseudonyms: string[]) => {
    const issued = issueEat(claims, EAT_SAMPLE_KEYS.domain, { random: seededRandom(claims.jti) });
    const entry = await log.add({ kind: 'eat', body: logForm(issued.token) });
    const subjects = new Map(
      issued.disclosures.filter((d) => d.path === 'reg.subjects').map((d, i) => [d.digest, pseudonyms[i]!]),
    );
    await vault.storeEat(issued, { entry, subjects });
    return { issued, entry };
  };
  options.set(eraser, { vault, log, receipts, key: receiptKey, issuer: 'audit.pharmacy.example', clock });
  return { store, vault, log, eraser, logEat, receiptKey };
}

describe('erasure (spec §7.3) on SQLite', () => {
  it('destroys the subject key and disclosures, logs a tombstone with a receipt; nothing the log holds yields the value', async () => {
    const file = sqliteFile();
    const { store, vault, log, eraser, logEat, receiptKey } = await setup(new SqliteDisclosureStore(file));
    const a = await logEat(record('au-eat-a', ['gdpr-art30']), ['alice', 'bob']);
    const b = await logEat(record('au-eat-b', ['gdpr-art30']), ['carol', 'dave']);
    const headBefore = await log.treeHead();
    const proofBefore = await log.inclusionProof(a.entry.index);
    const aliceDisclosure = a.issued.disclosures[0]!;
    const [salt, value] = decodeCbor(aliceDisclosure.disclosure) as [Uint8Array, string];
    expect(await vault.open(a.entry.leafHash, aliceDisclosure.digest)).toEqual(aliceDisclosure.disclosure);

    const outcome = await eraser.erase('alice', { basis: 'gdpr-17-1-a' });
    const logged = outcome.tombstone!;
    expect(outcome.restricted).toEqual([]);
    const head = await log.treeHead();
    const verified = verifyReceipt(logged.receipt, {
      entry: encodeLogEntry({ kind: 'tombstone', body: logForm(logged.message) }),
      key: publicKeyOf(receiptKey),
      checkpoints: [head],
    });
    expect(verified.index).toBe(logged.index);
    await expect(vault.open(a.entry.leafHash, aliceDisclosure.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
    expect(await store.wrappedKey('alice')).toBeUndefined();
    // Bob's disclosure of the same record and the other record stay.
    expect(await vault.open(a.entry.leafHash, a.issued.disclosures[1]!.digest)).toEqual(
      a.issued.disclosures[1]!.disclosure,
    );
    expect(await vault.open(b.entry.leafHash, b.issued.disclosures[0]!.digest)).toBeDefined();

    // Proofs taken before the erasure still verify: leaves are unchanged.
    const leaf = await log.entry(a.entry.index);
    expect(
      verifyInclusion({
        leaf,
        index: a.entry.index,
        size: headBefore.size,
        path: proofBefore,
        root: headBefore.rootHash,
      }),
    ).toBe(true);
    expect(
      verifyConsistency({
        size1: headBefore.size,
        size2: head.size,
        root1: headBefore.rootHash,
        root2: head.rootHash,
        proof: await log.consistencyProof(headBefore.size, head.size),
      }),
    ).toBe(true);

    // Every byte the log and the store hold: leaves, the entry tile, checkpoints, receipts, the database and its WAL.
    const held: Uint8Array[] = [logged.receipt, logged.message, utf8((await log.checkpoint())!)];
    for (let i = 0; i < head.size; i++) held.push(await log.entry(i));
    const tile = await log.tile({ level: 'entries', index: 0, width: head.size });
    if (tile) held.push(tile);
    for (const f of [file, `${file}-wal`]) if (existsSync(f)) held.push(new Uint8Array(readFileSync(f)));
    for (const s of await store.disclosures(a.entry.leafHash)) held.push(s.box);
    const haystack = Buffer.concat(held.map((h) => Buffer.from(h)));
    expect(haystack.includes(Buffer.from(salt))).toBe(false);
    expect(haystack.includes(Buffer.from(utf8(value)))).toBe(false);
    expect(haystack.includes(Buffer.from(aliceDisclosure.disclosure))).toBe(false);
    expect(haystack.includes(Buffer.from(utf8('alice')))).toBe(false);
    // The scan would see the data were it there: Bob's pseudonym is still in the store.
    expect(haystack.includes(Buffer.from(utf8('bob')))).toBe(true);
    await store.close();
  });
});

describe.each(STORES)('erasure (spec §7.3) on %s', (_name, makeStore) => {
  it('defers under a legal hold (ERR_AU_LEGAL_HOLD) and erases when the hold is lifted', async () => {
    const { vault, log, eraser, logEat } = await setup(await makeStore());
    const a = await logEat(record('au-eat-a', ['gdpr-art30']), ['alice', 'bob']);
    const placed = await eraser.placeHold('case-1', { subjects: [subjectDigest('alice')] }, 'court order 1');
    expect(decodeCbor(await log.entry(placed.index))).toEqual([1, 'hold', expect.any(Uint8Array)]);
    await expect(eraser.erase('alice')).rejects.toMatchObject({ code: 'ERR_AU_LEGAL_HOLD' });
    const d = a.issued.disclosures[0]!;
    expect(await vault.open(a.entry.leafHash, d.digest)).toEqual(d.disclosure);
    await expect(eraser.liftHold('case-9', 'none')).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    await eraser.liftHold('case-1', 'order lifted');
    await expect(vault.open(a.entry.leafHash, d.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
    expect(await vault.store.pending()).toEqual([]);
  });

  it('defers a record under a law-based retention minimum (ERR_AU_RETENTION_ACTIVE)', async () => {
    const { vault, eraser, logEat } = await setup(await makeStore());
    // The EU AI Act keeps audit logs 183 days by law.
    const a = await logEat(record('au-eat-ai', ['gdpr-art30', 'eu-ai-act-art12']), ['alice', 'bob']);
    const rec = (await vault.store.record(a.entry.leafHash))!;
    expect(rec.keepUntil).toBeGreaterThan(SAMPLE_NOW);
    await expect(eraser.erase('alice')).rejects.toMatchObject({ code: 'ERR_AU_RETENTION_ACTIVE' });
    expect((await vault.store.pending()).map((p) => p.owner)).toEqual(['alice']);
    expect(await vault.open(a.entry.leafHash, a.issued.disclosures[0]!.digest)).toBeDefined();
    // Once the minimum has passed, the next retention run performs the pending erasure.
    const later = new Eraser({ ...eraserOptions(eraser), clock: fixedClock((rec.keepUntil + 1) * 1000) });
    await later.runRetention(rec.keepUntil + 1);
    await expect(vault.open(a.entry.leafHash, a.issued.disclosures[0]!.digest)).rejects.toMatchObject({
      code: 'ERR_AU_ERASED',
    });
    expect(await vault.store.pending()).toEqual([]);
  });

  it('logs on resume a tombstone whose append a stopped process never made', async () => {
    const { vault, log, eraser, logEat } = await setup(await makeStore());
    const a = await logEat(record('au-eat-a', ['gdpr-art30']), ['alice', 'bob']);
    const size = (await log.treeHead()).size;
    const add = log.add.bind(log);
    log.add = () => Promise.reject(new Error('stopped'));
    await expect(eraser.erase('alice')).rejects.toThrow('stopped');
    log.add = add;
    expect(await vault.store.wrappedKey('alice')).toBeUndefined();
    expect((await log.treeHead()).size).toBe(size);
    const [logged] = await eraser.resume();
    expect(logged!.index).toBe(size);
    expect(await eraser.resume()).toEqual([]);
    expect(a.entry.index).toBe(0);
  });
});

describe.each(STORES)('retention (spec §7.4) on %s', (_name, makeStore) => {
  it('destroys records past their deadline in one retention tombstone, skipping those under a hold', async () => {
    const { vault, log, eraser, logEat } = await setup(await makeStore());
    const a = await logEat(record('au-eat-a', ['gdpr-art30']), ['alice', 'bob']);
    const b = await logEat(record('au-eat-b', ['gdpr-art30']), ['carol', 'dave']);
    const rec = (await vault.store.record(a.entry.leafHash))!;
    // GDPR Art. 30 audit records: at most 1,095 days.
    expect(rec.deleteAt).toBe(SAMPLE_NOW + 1095 * DAY);
    await eraser.placeHold('case-2', { entries: [b.entry.index] }, 'order 2');
    expect(await eraser.runRetention(rec.deleteAt! - 1)).toBeUndefined();
    const logged = (await eraser.runRetention(rec.deleteAt))!;
    const [, kind] = decodeCbor(await log.entry(logged.index)) as [number, string];
    expect(kind).toBe('tombstone');
    const claims = tombstone.verify(logged.message, {
      key: publicKeyOf(erasureSampleKey()),
      clock: fixedClock(SAMPLE_NOW * 1000),
    });
    expect(claims.ok && [claims.claims.reason, claims.claims.entries]).toEqual(['retention', [a.entry.index]]);
    await expect(vault.open(a.entry.leafHash, a.issued.disclosures[0]!.digest)).rejects.toMatchObject({
      code: 'ERR_AU_ERASED',
    });
    expect(await vault.open(b.entry.leafHash, b.issued.disclosures[0]!.digest)).toBeDefined();
  });
});

describe.each(SHARED)('two instances on one %s store', (_name, instances) => {
  it('store records of one new subject at once under one subject key, each disclosure opening', async () => {
    const [first, second] = await instances();
    const vaults = [first, second].map((store) => new DisclosureVault({ store, kek: KEK() }));
    // Both instances connected, so that neither starts late.
    await Promise.all([first.wrappedKeys(), second.wrappedKeys()]);
    // Stored straight away, not after their appends, so that both instances look for Alice's key before either stores it.
    const stored = ['au-eat-a', 'au-eat-b', 'au-eat-c', 'au-eat-d'].map((jti, i) => {
      const issued = issueEat(record(jti, ['gdpr-art30']), EAT_SAMPLE_KEYS.domain, { random: seededRandom(jti) });
      const entry = { index: i, leafHash: new Uint8Array(32).fill(i + 1) };
      const [alice, other] = issued.disclosures.filter((d) => d.path === 'reg.subjects');
      const subjects = new Map([
        [alice!.digest, 'alice'],
        [other!.digest, `other-${jti}`],
      ]);
      return { alice: alice!, entry, done: vaults[i % 2]!.storeEat(issued, { entry, subjects }) };
    });
    await Promise.all(stored.map((s) => s.done));
    expect((await first.wrappedKeys()).filter((k) => k.owner === 'alice')).toHaveLength(1);
    for (const { alice, entry } of stored) {
      for (const vault of vaults) expect(await vault.open(entry.leafHash, alice.digest)).toEqual(alice.disclosure);
    }
  });

  it('erase one subject at once: exactly one destroys and logs a tombstone, the other finds nothing left', async () => {
    const [first, second] = await instances();
    const log = testLog(new MemoryLogStore());
    const a = await setup(first, log);
    const b = await setup(second, log);
    const eat = await a.logEat(record('au-eat-a', ['gdpr-art30']), ['alice', 'bob']);
    const outcomes = await Promise.all([a.eraser.erase('alice'), b.eraser.erase('alice')]);
    expect(outcomes.filter((o) => o.tombstone)).toHaveLength(1);
    const kinds = [];
    for (let i = 0; i < (await log.treeHead()).size; i++) kinds.push((decodeCbor(await log.entry(i)) as unknown[])[1]);
    expect(kinds).toEqual(['eat', 'tombstone']);
    await expect(b.vault.open(eat.entry.leafHash, eat.issued.disclosures[0]!.digest)).rejects.toMatchObject({
      code: 'ERR_AU_ERASED',
    });
    expect(await a.store.intents()).toEqual([]);
  });
});

import { decodeCbor, fixedClock, generateKey, publicKeyOf, seededRandom, utf8 } from '@safety-net/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type LegalHoldClaims, legalHold } from '../../src/index.js';
import { SAMPLE_NOW, sampleHoldClaims } from '../../src/testing.js';
import { ErasureDomain } from './peer-domains.js';
import { cleanup, closeAll, STORES } from './stores.js';

afterEach(cleanup);
afterAll(closeAll);

const REGULATOR = 'regulator.example';
const regulatorKey = { ...generateKey('Ed25519', seededRandom('regulator')), kid: utf8(REGULATOR) };
const trusted = [{ issuer: REGULATOR, key: publicKeyOf(regulatorKey) }];
const at = (seconds: number) => fixedClock(seconds * 1000);

/** A hold the regulator places on `entries` of the pharmacy's log. */
const place = (entries: number[], extra: Partial<LegalHoldClaims> = {}): LegalHoldClaims => ({
  ...sampleHoldClaims,
  iss: REGULATOR,
  jti: 'reg-hold-1',
  hold: 'inquiry-9',
  scope: { entries },
  authority: 'Supervisory authority inquiry 9',
  ...extra,
});

describe.each(STORES)('a foreign Legal Hold on %s (spec §7.5)', (_name, makeStore) => {
  async function pharmacyWith() {
    const pharmacy = new ErasureDomain('pharmacy', await makeStore());
    pharmacy.connect([], at(SAMPLE_NOW), trusted);
    const r = await pharmacy.record('ect-dispense', 'rx-alice', []);
    return { pharmacy, r };
  }

  it('from a trusted issuer blocks erasure and retention of the named records until lifted; then the erasure runs', async () => {
    const { pharmacy, r } = await pharmacyWith();
    const placed = await pharmacy.eraser.ingestHold(legalHold.sign(place([r.entry.index]), regulatorKey));
    expect((decodeCbor(await pharmacy.log.entry(placed.index)) as unknown[])[1]).toBe('hold');

    await expect(pharmacy.eraser.erase('rx-alice')).rejects.toMatchObject({
      code: 'ERR_AU_LEGAL_HOLD',
      hold: { issuer: REGULATOR, hold: 'inquiry-9' },
    });
    const deleteAt = (await pharmacy.vault.store.record(r.entry.leafHash))!.deleteAt!;
    expect(await pharmacy.eraser.runRetention(deleteAt)).toBeUndefined();
    expect(await pharmacy.vault.open(r.entry.leafHash, r.digest)).toEqual(r.disclosure);
    // The domain cannot lift the regulator's hold itself.
    await expect(pharmacy.eraser.liftHold('inquiry-9', 'no')).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    // A lift that names another place is refused.
    const lift = { ...place([r.entry.index]), jti: 'reg-hold-2', action: 'lift' as const, iat: SAMPLE_NOW };
    const stray = legalHold.sign({ ...lift, pred: ['reg-hold-0'] }, regulatorKey);
    await expect(pharmacy.eraser.ingestHold(stray)).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });

    await pharmacy.eraser.ingestHold(legalHold.sign({ ...lift, pred: ['reg-hold-1'] }, regulatorKey));
    await expect(pharmacy.vault.open(r.entry.leafHash, r.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
    expect(await pharmacy.vault.store.pending()).toEqual([]);
    expect(await pharmacy.vault.store.holds()).toEqual([]);
  });

  it('stops covering anything once it expires: the next retention run performs the deferred erasure', async () => {
    const { pharmacy, r } = await pharmacyWith();
    await pharmacy.eraser.ingestHold(legalHold.sign(place([r.entry.index], { exp: SAMPLE_NOW + 3600 }), regulatorKey));
    await expect(pharmacy.eraser.erase('rx-alice')).rejects.toMatchObject({ code: 'ERR_AU_LEGAL_HOLD' });
    pharmacy.connect([], at(SAMPLE_NOW + 3599), trusted);
    await pharmacy.eraser.runRetention();
    expect(await pharmacy.vault.open(r.entry.leafHash, r.digest)).toEqual(r.disclosure);
    pharmacy.connect([], at(SAMPLE_NOW + 3600), trusted);
    await pharmacy.eraser.runRetention();
    await expect(pharmacy.vault.open(r.entry.leafHash, r.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
  });

  it('from an untrusted issuer, or forged, is refused with a typed error and never in force', async () => {
    const { pharmacy, r } = await pharmacyWith();
    const stranger = { ...generateKey('Ed25519', seededRandom('stranger')), kid: utf8('court.elsewhere.example') };
    const refused = [
      // A key nobody configured.
      [
        legalHold.sign(place([r.entry.index], { iss: 'court.elsewhere.example' }), stranger),
        'ERR_AU_HOLD_ISSUER_UNTRUSTED',
      ],
      // The regulator's key, speaking for another issuer.
      [
        legalHold.sign(place([r.entry.index], { iss: 'court.elsewhere.example' }), regulatorKey),
        'ERR_AU_HOLD_ISSUER_UNTRUSTED',
      ],
      // The regulator's kid on another key.
      [legalHold.sign(place([r.entry.index]), { ...stranger, kid: utf8(REGULATOR) }), 'ERR_COSE_BAD_SIGNATURE'],
    ] as const;
    for (const [message, code] of refused) {
      await expect(pharmacy.eraser.ingestHold(message)).rejects.toMatchObject({ code });
    }
    expect(await pharmacy.vault.store.holds()).toEqual([]);
    expect((await pharmacy.eraser.erase('rx-alice')).tombstone).toBeDefined();
  });
});

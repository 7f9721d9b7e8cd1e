import { sha256 } from '@noble/hashes/sha2.js';
import { decodeSign, encodeCbor, keyToJwk, publicKeyOf, toBase64Url } from '@safety-net/core';
import { generalVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  consumptionDigest,
  consumptionRecord,
  countersignConsumption,
  signConsumption,
  signConsumptionJws,
  verifyConsumption,
} from '../../src/index.js';
import { ACCOUNTING_KEYS, sampleConsumptionClaims as record } from '../../src/testing.js';
import { clock, keys, strangerKey } from './fixtures.js';

const { provider, consumer } = ACCOUNTING_KEYS;

describe('consumption record: metered, countersigned (spec §8.1)', () => {
  it('verifies with both signatures, each by a key trusted for its domain', async () => {
    const signed = countersignConsumption(signConsumption(record, provider), consumer);
    expect(decodeSign(signed).signatures).toHaveLength(2);
    const r = await verifyConsumption(signed, { keys, clock });
    expect(r.ok && r.claims).toEqual(record);
    expect(r.ok && r.countersigned).toBe(true);
  });

  it('is ERR_AU_COUNTERSIGNATURE_MISSING without the consumer, unless only the meter is being checked', async () => {
    const metered = signConsumption(record, provider);
    const r = await verifyConsumption(metered, { keys, clock });
    expect(!r.ok && r.error.code).toBe('ERR_AU_COUNTERSIGNATURE_MISSING');
    const before = await verifyConsumption(metered, { keys, clock, requireCountersignature: false });
    expect(before.ok && before.countersigned).toBe(false);
  });

  it('refuses a countersignature by a key not trusted for the consumer, and a record signed by the consumer only', async () => {
    const stranger = await verifyConsumption(countersignConsumption(signConsumption(record, provider), strangerKey), {
      keys,
      clock,
    });
    expect(!stranger.ok && stranger.error.code).toBe('ERR_KEY_NOT_FOUND');
    const onlyConsumer = await verifyConsumption(signConsumption(record, consumer), { keys, clock });
    expect(!onlyConsumer.ok && onlyConsumer.error.code).toBe('ERR_COSE_NO_SIGNATURES');
    // The provider's key may not countersign for the consumer: it is bound to the provider's domain.
    const self = await verifyConsumption(countersignConsumption(signConsumption(record, provider), provider), {
      keys,
      clock,
    });
    expect(!self.ok && self.error.code).toBe('ERR_AU_COUNTERSIGNATURE_MISSING');
  });

  it('has one content digest: SHA-256 of the payload, whatever signatures it carries and in either form', async () => {
    const metered = signConsumption(record, provider);
    const both = countersignConsumption(metered, consumer);
    const digest = toBase64Url(sha256(decodeSign(metered).payload!));
    expect(toBase64Url(sha256(decodeSign(both).payload!))).toBe(digest);
    expect(consumptionDigest(record)).toBe(digest);
    expect(digest).toBe(toBase64Url(sha256(encodeCbor(consumptionRecord.toCbor(record)))));
    const jws = await signConsumptionJws(record, provider, consumer);
    const r = await verifyConsumption(jws, { keys, clock });
    expect(r.ok && r.digest).toBe(digest);
  });

  it('has a JOSE form (General Serialization) an independent library verifies for each party', async () => {
    const jws = await signConsumptionJws(record, provider, consumer);
    expect(jws.signatures).toHaveLength(2);
    for (const [key, alg] of [
      [provider, 'EdDSA'],
      [consumer, 'ES256'],
    ] as const) {
      const out = await generalVerify(structuredClone(jws) as never, await importJWK(keyToJwk(publicKeyOf(key)), alg));
      expect(out.protectedHeader?.typ).toBe('au-consumption+jwt');
      expect(JSON.parse(new TextDecoder().decode(out.payload))).toEqual(record);
    }
    const [first] = jws.signatures;
    const r = await verifyConsumption({ ...jws, signatures: [first!] }, { keys, clock });
    expect(!r.ok && r.error.code).toBe('ERR_AU_COUNTERSIGNATURE_MISSING');
  });

  it('refuses a record whose payload was changed after signing', async () => {
    const signed = countersignConsumption(signConsumption(record, provider), consumer);
    const other = countersignConsumption(
      signConsumption({ ...record, items: [{ ...record.items[0]!, quantity: '1' }] }, provider),
      consumer,
    );
    // Splice the other record's payload under the first record's signatures.
    const a = decodeSign(signed);
    const b = decodeSign(other);
    const spliced = encodeCbor([
      a.protectedBytes,
      new Map(),
      b.payload!,
      a.signatures.map((s) => [s.protectedBytes, new Map(), s.signature]),
    ]);
    const r = await verifyConsumption(spliced, { keys, clock });
    expect(!r.ok && r.error.code).toBe('ERR_COSE_BAD_SIGNATURE');
  });
});

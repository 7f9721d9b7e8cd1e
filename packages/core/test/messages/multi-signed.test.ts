import {
  addSignature,
  defineMessageType,
  IdentifierSchema,
  KeySet,
  publicKeyOf,
  signJwsGeneral,
  signMultiSigned,
  singleKey,
  verifyJwsGeneral,
  verifyMultiSigned,
  verifySign,
} from '@safety-net/core';
import { generalVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { keyToJwk } from '../../src/keys/index.js';
import { clock, NOW_S, testKey } from './fixtures.js';

const definition = {
  name: 'test-agreement',
  description: 'a payload two parties sign',
  schema: z.object({ iss: IdentifierSchema, iat: z.number().int(), other: IdentifierSchema }).strict(),
  labels: { iss: 1, iat: 6, other: 'other' },
} as const;
const agreement = defineMessageType(definition);
const claims = { iss: 'a.example', iat: NOW_S, other: 'b.example' };
const a = testKey('Ed25519');
const b = testKey('P-256');
const c = testKey('Ed448');
const keys = new KeySet([
  { key: a, issuers: ['a.example'] },
  { key: b, issuers: ['b.example'] },
]);
const parties = (x: typeof claims) => [
  { issuer: x.iss, key: keys },
  { issuer: x.other, key: keys },
];

describe('multi-signed messages (COSE_Sign)', () => {
  it('verifies both parties, whatever the order of the signatures', async () => {
    for (const signers of [
      [{ key: a }, { key: b }],
      [{ key: b }, { key: a }],
    ]) {
      const bytes = signMultiSigned(agreement, claims, signers);
      const r = await verifyMultiSigned(agreement, bytes, { parties, clock });
      expect(r.ok && r.claims).toEqual(claims);
      expect(r.ok && r.signed).toEqual([true, true]);
      // The generic COSE_Sign verifier agrees that both signatures are good.
      expect(verifySign(bytes, { key: new KeySet([{ key: a }, { key: b }]) }).outcomes.every((o) => o.valid)).toBe(
        true,
      );
    }
  });

  it('takes a countersignature added to a message another party signed, keeping the first signature', async () => {
    const first = signMultiSigned(agreement, claims, [{ key: a }]);
    const both = addSignature(first, { key: b, protectedHeader: { kid: b.kid } });
    const r = await verifyMultiSigned(agreement, both, { parties, clock });
    expect(r.ok && r.signed).toEqual([true, true]);
    expect(Buffer.from(both).includes(Buffer.from(first.subarray(first.length - 64)))).toBe(true);
  });

  it('names a missing party, and reports an optional one as absent', async () => {
    const bytes = signMultiSigned(agreement, claims, [{ key: a }]);
    const r = await verifyMultiSigned(agreement, bytes, { parties, clock });
    expect(!r.ok && r.error.code).toBe('ERR_COSE_NO_SIGNATURES');
    expect(!r.ok && r.error.message).toContain('b.example');
    const optional = await verifyMultiSigned(agreement, bytes, {
      parties: (x) => [parties(x)[0]!, { ...parties(x)[1]!, optional: true }],
      clock,
    });
    expect(optional.ok && optional.signed).toEqual([true, false]);
  });

  it('refuses a signer that is none of the parties, a key of one party for another, and a forged signature', async () => {
    const stranger = await verifyMultiSigned(agreement, signMultiSigned(agreement, claims, [{ key: a }, { key: c }]), {
      parties,
      clock,
    });
    expect(!stranger.ok && stranger.error.code).toBe('ERR_KEY_NOT_FOUND');
    const twice = await verifyMultiSigned(agreement, signMultiSigned(agreement, claims, [{ key: a }, { key: a }]), {
      parties,
      clock,
    });
    expect(!twice.ok && twice.error.code).toBe('ERR_COSE_NO_SIGNATURES');
    const bytes = signMultiSigned(agreement, claims, [{ key: a }, { key: b }]);
    const forged = bytes.slice();
    forged[forged.length - 1]! ^= 1;
    const r = await verifyMultiSigned(agreement, forged, { parties, clock });
    expect(!r.ok && r.error.code).toBe('ERR_COSE_BAD_SIGNATURE');
  });

  it('applies the replay cache and the time checks after the signatures', async () => {
    const { MemoryReplayCache } = await import('@safety-net/core');
    const replay = new MemoryReplayCache();
    const withJti = defineMessageType({
      ...definition,
      name: 'test-jti',
      schema: z.object({ ...definition.schema.shape, jti: z.string() }).strict(),
      labels: { ...definition.labels, jti: 7 },
    });
    const bytes = signMultiSigned(withJti, { ...claims, jti: 'j-1' }, [{ key: a }, { key: b }]);
    expect((await verifyMultiSigned(withJti, bytes, { parties, clock, replay })).ok).toBe(true);
    const again = await verifyMultiSigned(withJti, bytes, { parties, clock, replay });
    expect(!again.ok && again.error.code).toBe('ERR_CLAIMS_REPLAY');
    const future = signMultiSigned(agreement, { ...claims, iat: NOW_S + 3600 }, [{ key: a }, { key: b }]);
    const r = await verifyMultiSigned(agreement, future, { parties, clock });
    expect(!r.ok && r.error.code).toBe('ERR_CLAIMS_IAT_FUTURE');
  });

  it('refuses another type and a single-signer message', async () => {
    const sign1 = agreement.sign(claims, a);
    const r = await verifyMultiSigned(agreement, sign1, { parties, clock });
    expect(!r.ok && r.error.code).toMatch(/^ERR_COSE_/);
    const other = defineMessageType({ ...definition, name: 'test-other' });
    const foreign = await verifyMultiSigned(other, signMultiSigned(agreement, claims, [{ key: a }]), {
      parties,
      clock,
    });
    expect(!foreign.ok && foreign.error.code).toBe('ERR_COSE_TYP_MISMATCH');
  });
});

describe('multi-signed messages (JWS JSON General Serialization)', () => {
  it('is verified by an independent JOSE library and by ours', async () => {
    const jws = await signJwsGeneral(agreement, claims, [{ key: a }, { key: b }]);
    for (const [key, alg] of [
      [a, 'EdDSA'],
      [b, 'ES256'],
    ] as const) {
      const out = await generalVerify(structuredClone(jws) as never, await importJWK(keyToJwk(publicKeyOf(key)), alg));
      expect(JSON.parse(new TextDecoder().decode(out.payload))).toEqual(claims);
      expect(out.protectedHeader?.typ).toBe('test-agreement+jwt');
    }
    const r = await verifyJwsGeneral(agreement, JSON.stringify(jws), { parties, clock });
    expect(r.ok && r.signed).toEqual([true, true]);
    expect(r.ok && r.claims).toEqual(claims);
  });

  it('refuses a missing party, a tampered payload and junk', async () => {
    const one = await signJwsGeneral(agreement, claims, [{ key: a }]);
    const missing = await verifyJwsGeneral(agreement, one, { parties, clock });
    expect(!missing.ok && missing.error.code).toBe('ERR_JOSE_MALFORMED');
    const both = await signJwsGeneral(agreement, claims, [{ key: a }, { key: b }]);
    const tampered = {
      ...both,
      payload: Buffer.from(JSON.stringify({ ...claims, other: 'c.example' })).toString('base64url'),
    };
    const r = await verifyJwsGeneral(agreement, tampered, {
      parties: [
        { issuer: 'a.example', key: singleKey(a) },
        { issuer: 'b.example', key: singleKey(b) },
      ],
      clock,
    });
    expect(!r.ok && r.error.code).toBe('ERR_JOSE_BAD_SIGNATURE');
    for (const junk of ['{', '{}', { payload: 'x', signatures: [] }, null, 7]) {
      const j = await verifyJwsGeneral(agreement, junk, { parties, clock });
      expect(!j.ok && j.error.code).toMatch(/^ERR_/);
    }
  });
});

import {
  type AsyncKeyResolver,
  defineMessageType,
  ect,
  IdentifierSchema,
  type KeyRequest,
  type KeyResolver,
  keySet,
  publicKeyOf,
  signJws,
  signJwsGeneral,
  signMultiSigned,
  signSign1,
  singleKey,
  snError,
  utf8,
  verifyJws,
  verifyJwsGeneral,
  verifyMultiSigned,
  verifySign,
  verifySign1,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { clock, ectClaims, NOW_S, testKey } from '../messages/fixtures.js';

// Every verify path hands the resolver the message's `typ` (core.md §5.7), so that a resolver can trust a key for
// some message types only.

const key = testKey('Ed25519');

/** A resolver (by default for `key`) that records what it was asked. */
function recording(inner: KeyResolver = singleKey(key)): { resolver: KeyResolver; asked: KeyRequest[] } {
  const asked: KeyRequest[] = [];
  return {
    asked,
    resolver: {
      resolve(request) {
        asked.push(request);
        return inner.resolve(request);
      },
    },
  };
}

const agreement = defineMessageType({
  name: 'test-agreement',
  description: 'a payload two parties sign',
  schema: z.object({ iss: IdentifierSchema, iat: z.number().int(), other: IdentifierSchema }).strict(),
  labels: { iss: 1, iat: 6, other: 'other' },
});
const agreed = { iss: 'a.example', iat: NOW_S, other: 'b.example' };

describe('KeyRequest.typ', () => {
  it('is the COSE typ of a message type (verify and verifyAsync)', async () => {
    const bytes = ect.sign(ectClaims(), key);
    const sync = recording();
    expect(ect.verify(bytes, { key: sync.resolver, clock }).ok).toBe(true);
    expect(sync.asked.map((r) => r.typ)).toEqual(['application/exec+cwt']);
    const later = recording();
    const asyncResolver: AsyncKeyResolver = { ...later.resolver, resolveAsync: async (r) => later.resolver.resolve(r) };
    expect((await ect.verifyAsync(bytes, { key: asyncResolver, clock })).ok).toBe(true);
    expect(later.asked.map((r) => r.typ)).toEqual(['application/exec+cwt']);
  });

  it('is the JOSE typ of a message type, in the form RFC 7515 compares', async () => {
    const token = await signJws(ect, ectClaims(), key);
    const { resolver, asked } = recording();
    expect((await verifyJws(ect, token, { key: resolver, clock })).ok).toBe(true);
    expect(asked.map((r) => r.typ)).toEqual(['exec+jwt']);
  });

  it('is the protected typ for generic COSE_Sign1 and COSE_Sign, text or number, and absent when there is none', () => {
    for (const typ of ['application/example+cwt', 61] as const) {
      const { resolver, asked } = recording();
      verifySign1(signSign1(utf8('x'), key, { protectedHeader: { typ, kid: key.kid } }), { key: resolver });
      expect(asked.map((r) => r.typ)).toEqual([typ]);
    }
    const { resolver, asked } = recording();
    verifySign1(signSign1(utf8('x'), key), { key: resolver });
    expect(asked).toHaveLength(1);
    expect('typ' in asked[0]!).toBe(false);
    // COSE_Sign: the body's typ, for every signature.
    const other = testKey('P-256');
    const bytes = signMultiSigned(agreement, agreed, [{ key }, { key: other }]);
    const both = recording(keySet([{ key }, { key: other }]));
    verifySign(bytes, { key: both.resolver });
    expect(both.asked.map((r) => r.typ)).toEqual(['application/test-agreement+cwt', 'application/test-agreement+cwt']);
  });

  it('is the type’s typ for multi-signed messages in both forms', async () => {
    const other = testKey('P-256');
    const a = recording();
    const b = recording(singleKey(other));
    const parties = () => [
      { issuer: agreed.iss, key: a.resolver },
      { issuer: agreed.other, key: b.resolver },
    ];
    const bytes = signMultiSigned(agreement, agreed, [{ key }, { key: other }]);
    expect((await verifyMultiSigned(agreement, bytes, { parties, clock })).ok).toBe(true);
    const jws = await signJwsGeneral(agreement, agreed, [{ key }, { key: other }]);
    expect((await verifyJwsGeneral(agreement, jws, { parties, clock })).ok).toBe(true);
    const typs = new Set([...a.asked, ...b.asked].map((r) => r.typ));
    expect(typs).toEqual(new Set(['application/test-agreement+cwt', 'test-agreement+jwt']));
  });

  it('lets a resolver refuse a key for one type and trust it for another', () => {
    const onlyEcts: KeyResolver = {
      resolve: (r) => {
        if (r.typ !== ect.typ) throw snError('ERR_KEY_UNTRUSTED', 'not for this type');
        return publicKeyOf(key);
      },
    };
    expect(ect.verify(ect.sign(ectClaims(), key), { key: onlyEcts, clock }).ok).toBe(true);
    const bytes = agreement.sign(agreed, key);
    const refused = agreement.verify(bytes, { key: onlyEcts, clock });
    expect(!refused.ok && refused.error.code).toBe('ERR_KEY_UNTRUSTED');
  });
});

/**
 * Test suites every message type must pass, shared by the protocol packages: COSE and JWT round trips checked by
 * an independent JOSE library, and garbage in (random bytes, corruptions, hostile claims, junk JWS) answered with
 * typed errors only.
 */
import {
  type AnyMessageType,
  type CborValue,
  type Clock,
  isSafetyNetError,
  keyToJwk,
  type PrivateKey,
  publicKeyOf,
  signJws,
  singleKey,
  Tagged,
  verifyJws,
} from '@safety-net/core';
import fc from 'fast-check';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';

/** One message type with valid claims and the key that signs them. */
export interface MessageCase {
  readonly type: AnyMessageType;
  readonly claims: object;
  readonly key: PrivateKey;
}

/**
 * Round trips through COSE_Sign1 and the JWT form, refusals of another key and another type, and schema
 * refusals. `stranger(key)` gives a key of the same curve that must not verify.
 */
export function describeMessageRoundTrips(
  cases: readonly MessageCase[],
  clock: Clock,
  stranger: (key: PrivateKey) => PrivateKey,
): void {
  describe.each(cases)('$type.name', ({ type, claims, key }) => {
    it('round-trips through COSE_Sign1 with its typ', () => {
      const bytes = type.sign(claims, key);
      const result = type.verify(bytes, { key: singleKey(publicKeyOf(key)), clock });
      expect(result.ok && result.claims).toEqual(claims);
      expect(result.ok && result.typ).toMatch(/^application\/([a-z-]+\+cwt|sd-cwt)$/);
    });

    it('refuses a signature by another key and a message of another type', () => {
      const bytes = type.sign(claims, key);
      const wrongKey = type.verify(bytes, { key: publicKeyOf(stranger(key)), clock });
      expect(!wrongKey.ok && wrongKey.error.code).toBe('ERR_COSE_BAD_SIGNATURE');
      const other = cases.find((c) => c.type !== type)!;
      const foreign = other.type.sign(other.claims, key);
      const mixed = type.verify(foreign, { key: publicKeyOf(key), clock });
      expect(!mixed.ok && mixed.error.code).toBe('ERR_COSE_TYP_MISMATCH');
    });

    it('has a JWT form that an independent JOSE library verifies', async () => {
      const token = await signJws(type, claims, key);
      const jwk = keyToJwk(publicKeyOf(key));
      const alg = key.curve === 'Ed25519' ? 'EdDSA' : 'ES256';
      const { payload, protectedHeader } = await compactVerify(token, await importJWK(jwk, alg));
      expect(protectedHeader.typ).toBe(type.jws!.typ);
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims);
      const ours = await verifyJws(type, token, { key: publicKeyOf(key), clock });
      expect(ours.ok && ours.claims).toEqual(claims);
    });

    it('refuses claims that break the schema with ERR_CLAIMS_INVALID', () => {
      for (const broken of [
        { ...claims, iss: '' },
        { ...claims, unknown_claim: 1 },
        { ...claims, iat: -1 },
      ]) {
        expect(() => type.sign(broken, key)).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));
      }
    });
  });
}

/** Arbitrary CBOR-ish values: what a hostile claims map could hold. */
export const hostileCborValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Random bytes, corruptions and truncations of a valid message, hostile claims maps and junk JWS text. */
export function describeMessageGarbage(cases: readonly MessageCase[], clock: Clock): void {
  describe.each(cases)('$type.name decoders under garbage', ({ type, claims, key }) => {
    const verify = (bytes: Uint8Array) => type.verify(bytes, { key: publicKeyOf(key), clock });

    it('answers random bytes with a Safety Net error code', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          const r = verify(bytes);
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error.code).toMatch(/^ERR_/);
        }),
        { numRuns: 500 },
      );
    });

    it('answers every corruption of a valid message with an error code, never a throw', () => {
      const valid = type.sign(claims, key);
      fc.assert(
        fc.property(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 }), (at, xor) => {
          const bytes = valid.slice();
          bytes[at]! ^= xor;
          const r = verify(bytes);
          if (!r.ok) expect(isSafetyNetError(r.error)).toBe(true);
        }),
        { numRuns: 400 },
      );
      for (let cut = 0; cut < valid.length; cut += 7) expect(verify(valid.subarray(0, cut)).ok).toBe(false);
    });

    it('refuses hostile claims maps with ERR_CLAIMS_INVALID, never a throw', () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string({ maxLength: 12 }), hostileCborValue, { maxKeys: 8 }), (hostile) => {
          let parsed: unknown;
          try {
            parsed = type.parse(type.fromCbor(new Map(Object.entries(hostile)) as CborValue));
          } catch (e) {
            expect(isSafetyNetError(e, 'ERR_CLAIMS_INVALID')).toBe(true);
            return;
          }
          expect(parsed).toBeDefined();
        }),
        { numRuns: 300 },
      );
      expect(() => type.fromCbor(new Tagged(1, 0))).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));
    });

    it('answers garbage JWS text with an error code', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 200 }), async (token) => {
          const r = await verifyJws(type, token, { key: publicKeyOf(key), clock });
          expect(r.ok).toBe(false);
        }),
        { numRuns: 200 },
      );
    });
  });
}

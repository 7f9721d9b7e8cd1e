/**
 * SD-JWT against the published examples: the digests of RFC 9901 §4.2.1 and §4.2.2 (fixed strings of the RFC),
 * and the issuer-signed example of the draft that became it (§5.5 of draft-05, signed with the example issuer key
 * of its appendix), whose ten disclosures must each match exactly one digest of its payload.
 */
import { createHash } from 'node:crypto';
import { decodeJwsPayload, fromUtf8, keyFromJwk, verifyCompactJws } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { restoreSdJwtClaims, sdJwtDigest } from '../../src/sd/sd-jwt.js';

const RFC_DIGESTS = [
  // §4.2.1: ["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"]
  [
    'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0',
    'X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0',
  ],
  // §4.2.2: ["lklxF5jMYlGTPUovMNIvCA", "FR"], an array element
  ['WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0', 'w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs'],
] as const;

const EXAMPLE_JWT =
  'eyJhbGciOiAiRVMyNTYifQ.eyJfc2QiOiBbIkNyUWU3UzVrcUJBSHQtbk1ZWGdjNmJkdDJTSDVhVFkxc1VfTS1QZ2tqUEkiLCAiSnpZakg0c3ZsaUgwUjNQeUVNZmVadTZKdDY5dTVxZWhabzdGN0VQWWxTRSIsICJQb3JGYnBLdVZ1Nnh5bUphZ3ZrRnNGWEFiUm9jMkpHbEFVQTJCQTRvN2NJIiwgIlRHZjRvTGJnd2Q1SlFhSHlLVlFaVTlVZEdFMHc1cnREc3JaemZVYW9tTG8iLCAiWFFfM2tQS3QxWHlYN0tBTmtxVlI2eVoyVmE1TnJQSXZQWWJ5TXZSS0JNTSIsICJYekZyendzY002R242Q0pEYzZ2Vks4QmtNbmZHOHZPU0tmcFBJWmRBZmRFIiwgImdiT3NJNEVkcTJ4Mkt3LXc1d1BFemFrb2I5aFYxY1JEMEFUTjNvUUw5Sk0iLCAianN1OXlWdWx3UVFsaEZsTV8zSmx6TWFTRnpnbGhRRzBEcGZheVF3TFVLNCJdLCAiaXNzIjogImh0dHBzOi8vZXhhbXBsZS5jb20vaXNzdWVyIiwgImlhdCI6IDE2ODMwMDAwMDAsICJleHAiOiAxODgzMDAwMDAwLCAic3ViIjogInVzZXJfNDIiLCAibmF0aW9uYWxpdGllcyI6IFt7Ii4uLiI6ICJwRm5kamtaX1ZDem15VGE2VWpsWm8zZGgta284YUlLUWM5RGxHemhhVllvIn0sIHsiLi4uIjogIjdDZjZKa1B1ZHJ5M2xjYndIZ2VaOGtoQXYxVTFPU2xlclAwVmtCSnJXWjAifV0sICJfc2RfYWxnIjogInNoYS0yNTYiLCAiY25mIjogeyJqd2siOiB7Imt0eSI6ICJFQyIsICJjcnYiOiAiUC0yNTYiLCAieCI6ICJUQ0FFUjE5WnZ1M09IRjRqNFc0dmZTVm9ISVAxSUxpbERsczd2Q2VHZW1jIiwgInkiOiAiWnhqaVdXYlpNUUdIVldLVlE0aGJTSWlyc1ZmdWVjQ0U2dDRqVDlGMkhaUSJ9fX0.kmx687kUBiIDvKWgo2Dub-TpdCCRLZwtD7TOj4RoLsUbtFBI8sMrtH2BejXtm_P6fOAjKAVc_7LRNJFgm3PJhg';
const EXAMPLE_DISCLOSURES = [
  'WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd',
  'WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIkRvZSJd',
  'WyI2SWo3dE0tYTVpVlBHYm9TNXRtdlZBIiwgImVtYWlsIiwgImpvaG5kb2VAZXhhbXBsZS5jb20iXQ',
  'WyJlSThaV205UW5LUHBOUGVOZW5IZGhRIiwgInBob25lX251bWJlciIsICIrMS0yMDItNTU1LTAxMDEiXQ',
  'WyJRZ19PNjR6cUF4ZTQxMmExMDhpcm9BIiwgInBob25lX251bWJlcl92ZXJpZmllZCIsIHRydWVd',
  'WyJBSngtMDk1VlBycFR0TjRRTU9xUk9BIiwgImFkZHJlc3MiLCB7InN0cmVldF9hZGRyZXNzIjogIjEyMyBNYWluIFN0IiwgImxvY2FsaXR5IjogIkFueXRvd24iLCAicmVnaW9uIjogIkFueXN0YXRlIiwgImNvdW50cnkiOiAiVVMifV0',
  'WyJQYzMzSk0yTGNoY1VfbEhnZ3ZfdWZRIiwgImJpcnRoZGF0ZSIsICIxOTQwLTAxLTAxIl0',
  'WyJHMDJOU3JRZmpGWFE3SW8wOXN5YWpBIiwgInVwZGF0ZWRfYXQiLCAxNTcwMDAwMDAwXQ',
  'WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIlVTIl0',
  'WyJuUHVvUW5rUkZxM0JJZUFtN0FuWEZBIiwgIkRFIl0',
];
/** The example issuer key of the SD-JWT drafts and RFC 9901's appendix (public part). */
const ISSUER_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ',
  y: 'Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8',
};

describe('SD-JWT digests (RFC 9901 §4.2.3)', () => {
  it.each(RFC_DIGESTS)('%s hashes to the RFC’s digest', (disclosure, digest) => {
    expect(sdJwtDigest(disclosure)).toBe(digest);
    // Independently: Node's own SHA-256 over the base64url text.
    expect(createHash('sha256').update(disclosure, 'ascii').digest('base64url')).toBe(digest);
  });
});

describe('the published issuer-signed example', () => {
  const payload = JSON.parse(fromUtf8(decodeJwsPayload(EXAMPLE_JWT))) as Record<string, unknown>;

  it('verifies under the example issuer key', async () => {
    const { alg } = await verifyCompactJws(EXAMPLE_JWT, keyFromJwk(ISSUER_JWK));
    expect(alg.jose).toBe('ES256');
  });

  it('restores every claim with all ten disclosures, and none with no disclosure', () => {
    const all = restoreSdJwtClaims(payload, EXAMPLE_DISCLOSURES);
    expect(all.claims).toMatchObject({
      given_name: 'John',
      family_name: 'Doe',
      email: 'johndoe@example.com',
      phone_number_verified: true,
      address: { street_address: '123 Main St', locality: 'Anytown', region: 'Anystate', country: 'US' },
      nationalities: ['US', 'DE'],
      updated_at: 1570000000,
    });
    expect(all.claims).not.toHaveProperty('_sd');
    expect(all.claims).not.toHaveProperty('_sd_alg');
    expect(all.disclosed).toHaveLength(10);
    const none = restoreSdJwtClaims(payload, []);
    expect(Object.keys(none.claims).sort()).toEqual(['cnf', 'exp', 'iat', 'iss', 'nationalities', 'sub']);
    expect(none.claims.nationalities).toEqual([]);
  });

  it('restores exactly a chosen subset', () => {
    const some = restoreSdJwtClaims(payload, [EXAMPLE_DISCLOSURES[1]!, EXAMPLE_DISCLOSURES[9]!]);
    expect(some.claims.family_name).toBe('Doe');
    expect(some.claims.nationalities).toEqual(['DE']);
    expect(some.claims).not.toHaveProperty('given_name');
    expect(some.disclosed.map((d) => [d.path, d.element])).toEqual([
      ['nationalities', true],
      ['family_name', false],
    ]);
  });
});

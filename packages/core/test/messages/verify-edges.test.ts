import {
  type AnyErrorCode,
  decodeSign1,
  ect,
  encodeCbor,
  HEADER,
  keySet,
  keyToJwk,
  MemoryReplayCache,
  type MessageVerifyOptions,
  publicKeyOf,
  signJws,
  signSign1,
  Tagged,
  verifyJws,
} from '@safety-net/core';
import { CompactSign, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { clock, ectClaims, NOW_S, testKey } from './fixtures.js';

const key = testKey('Ed25519');
const pub = publicKeyOf(key);
const codeOf = (r: { ok: boolean; error?: { code: AnyErrorCode } }) => (r.ok ? 'ok' : r.error!.code);
const issuerBound = () => keySet([{ key: pub, issuers: ['spiffe://example.org/agent/inventory'] }]);

/** A COSE_Sign1 of the ECT type whose payload is `payload` as given, validly signed. */
function signedPayload(payload: Uint8Array): Uint8Array {
  return signSign1(payload, key, { protectedHeader: { typ: 'application/exec+cwt', kid: key.kid } });
}

describe('verification edge cases', () => {
  it('undecodable claims report their CBOR code under an issuer-bound key set, not ERR_KEY_UNTRUSTED', () => {
    const truncated = signedPayload(encodeCbor(new Map([[1, 'x']])).subarray(0, 2));
    expect(codeOf(ect.verify(truncated, { key: issuerBound(), clock }))).toBe('ERR_CBOR_TRUNCATED');
    // With the issuer given, the key resolves and the signature step comes first, as the pipeline says.
    const withIssuer = { key: issuerBound(), clock, issuer: 'spiffe://example.org/agent/inventory' };
    expect(codeOf(ect.verify(truncated, withIssuer))).toBe('ERR_CBOR_TRUNCATED');
  });

  it('a JWS payload that is not JSON reports ERR_CLAIMS_INVALID under an issuer-bound key set', async () => {
    const jwk = await importJWK(keyToJwk(key, { includePrivate: true }), 'EdDSA');
    const garbage = await new CompactSign(new TextEncoder().encode('{"iss":'))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'exec+jwt', kid: 'key-Ed25519' })
      .sign(jwk);
    expect(codeOf(await verifyJws(ect, garbage, { key: issuerBound(), clock }))).toBe('ERR_CLAIMS_INVALID');
  });

  it('a missing key option is a typed error in every verifier, not a TypeError', async () => {
    const bytes = ect.sign(ectClaims(), key);
    const token = await signJws(ect, ectClaims(), key);
    const noKey = { clock } as unknown as MessageVerifyOptions;
    expect(codeOf(ect.verify(bytes, noKey))).toBe('ERR_INPUT_INVALID');
    expect(codeOf(await ect.verifyAsync(bytes, noKey))).toBe('ERR_INPUT_INVALID');
    expect(codeOf(await verifyJws(ect, token, noKey))).toBe('ERR_INPUT_INVALID');
    expect(codeOf(ect.verify(bytes, undefined as unknown as MessageVerifyOptions))).toBe('ERR_INPUT_INVALID');
  });

  it('an asynchronous replay cache given to the synchronous verifier is a typed error', () => {
    const replay = { remember: async () => true };
    expect(codeOf(ect.verify(ect.sign(ectClaims(), key), { key: pub, clock, replay }))).toBe('ERR_INPUT_INVALID');
  });

  it('an ECT whose exp is not after its iat is refused, in both forms, and never signed', async () => {
    for (const exp of [NOW_S - 1, NOW_S]) {
      const claims = ectClaims({ exp });
      expect(() => ect.sign(claims, key)).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));
      // Written around the signer's schema check, as a foreign issuer could.
      const payload = ect.toCbor(claims);
      const bytes = signedPayload(encodeCbor(payload));
      expect(codeOf(ect.verify(bytes, { key: pub, clock, clockSkewSeconds: 60 }))).toBe('ERR_CLAIMS_INVALID');
    }
    expect(codeOf(ect.verify(ect.sign(ectClaims({ exp: NOW_S + 1 }), key), { key: pub, clock }))).toBe('ok');
  });

  it('a full in-memory replay cache refuses fresh tokens with a code of its own, not as replays', () => {
    const replay = new MemoryReplayCache({ maxEntries: 1 });
    expect(codeOf(ect.verify(ect.sign(ectClaims({ jti: 'a' }), key), { key: pub, clock, replay }))).toBe('ok');
    expect(codeOf(ect.verify(ect.sign(ectClaims({ jti: 'a' }), key), { key: pub, clock, replay }))).toBe(
      'ERR_CLAIMS_REPLAY',
    );
    expect(codeOf(ect.verify(ect.sign(ectClaims({ jti: 'b' }), key), { key: pub, clock, replay }))).toBe(
      'ERR_CLAIMS_REPLAY_CACHE_FULL',
    );
  });

  it('a kid past 1,024 bytes is refused before any key is looked up, in both forms', async () => {
    const resolver = keySet([{ key: pub }]);
    for (const length of [1_025, 900_000]) {
      const bytes = ect.sign(ectClaims(), { ...key, kid: new Uint8Array(length).fill(0x41) });
      const started = performance.now();
      expect(codeOf(ect.verify(bytes, { key: resolver, clock }))).toBe('ERR_COSE_HEADER_TOO_LARGE');
      expect(codeOf(ect.verify(bytes, { key: pub, clock }))).toBe('ERR_COSE_HEADER_TOO_LARGE');
      expect(performance.now() - started).toBeLessThan(100);
    }
    const atLimit = ect.sign(ectClaims(), { ...key, kid: new Uint8Array(1_024).fill(0x41) });
    expect(codeOf(ect.verify(atLimit, { key: pub, clock }))).toBe('ok');
    const token = await signJws(ect, ectClaims(), key, { kid: 'k'.repeat(1_025) });
    expect(codeOf(await verifyJws(ect, token, { key: resolver, clock }))).toBe('ERR_JOSE_MALFORMED');
  });

  it('a protected bucket past 16 KiB is refused before it is decoded; the unprotected kid is bounded too', () => {
    const big = signSign1(encodeCbor(ect.toCbor(ectClaims())), key, {
      protectedHeader: { typ: 'application/exec+cwt' },
    });
    const decoded = decodeSign1(big);
    const protectedMap = new Map(decoded.protectedHeader);
    protectedMap.set(-65_000, new Uint8Array(16_384));
    const oversized = encodeCbor(
      new Tagged(18, [encodeCbor(protectedMap), new Map(), decoded.payload, decoded.signature]),
    );
    expect(codeOf(ect.verify(oversized, { key: pub, clock }))).toBe('ERR_COSE_HEADER_TOO_LARGE');
    const unprotectedKid = encodeCbor(
      new Tagged(18, [
        decoded.protectedBytes,
        new Map([[HEADER.kid, new Uint8Array(2_000)]]),
        decoded.payload,
        decoded.signature,
      ]),
    );
    expect(codeOf(ect.verify(unprotectedKid, { key: pub, clock }))).toBe('ERR_COSE_HEADER_TOO_LARGE');
  });
});

import { decodeSign1, ect, fixedClock, fromHex, HEADER, publicKeyOf } from '@safety-net/core';
import { importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ectClaims, expectFailure, expectUsage, jwkFiles, NOW, run, testKey } from './helpers.js';

const key = testKey('Ed25519');
const files = {
  'k.json': jwkFiles(key).private,
  'pub.json': jwkFiles(key).public,
  'c.json': JSON.stringify(ectClaims()),
};

describe('safety-net sign', () => {
  it('prints a hex COSE_Sign1 of the type that verifies with the public key', async () => {
    const r = await run(['sign', '--type', 'ect', '--key', 'k.json', 'c.json'], files);
    expect(r.status).toBe(0);
    expect(r.out).toHaveLength(1);
    const bytes = fromHex(r.out[0]!);
    expect(decodeSign1(bytes).protectedHeader.get(HEADER.typ)).toBe('application/exec+cwt');
    const verified = ect.verify(bytes, { key: publicKeyOf(key), clock: fixedClock(NOW * 1000) });
    expect(verified.ok && verified.claims).toEqual(ectClaims());
  });

  for (const curve of ['Ed25519', 'P-256', 'P-384', 'P-521'] as const) {
    it(`--format jws with a ${curve} key prints a JWT that jose verifies with typ exec+jwt`, async () => {
      const k = testKey(curve);
      const r = await run(['sign', '--type', 'ect', '--key', 'k.json', '--format', 'jws', 'c.json'], {
        ...files,
        'k.json': jwkFiles(k).private,
      });
      expect(r.status).toBe(0);
      const jwk = JSON.parse(jwkFiles(k).public);
      const alg = curve === 'Ed25519' ? 'EdDSA' : { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[curve];
      const { payload, protectedHeader } = await jwtVerify(r.out[0]!, await importJWK(jwk, alg), {
        typ: 'exec+jwt',
        currentDate: new Date(NOW * 1000),
      });
      expect(protectedHeader.alg).toBe(alg);
      expect(payload).toEqual(ectClaims());
    });
  }

  it('refuses claims the type does not accept, and claims that are not JSON (exit 1)', async () => {
    const bad = { ...files, 'c.json': JSON.stringify(ectClaims({ exec_act: '' })) };
    expectFailure(await run(['sign', '--type', 'ect', '--key', 'k.json', 'c.json'], bad), 'ERR_CLAIMS_INVALID');
    const notJson = { ...files, 'c.json': '{"iss": ' };
    expectFailure(await run(['sign', '--type', 'ect', '--key', 'k.json', 'c.json'], notJson), 'ERR_CLAIMS_INVALID');
  });

  it('needs a private key', async () => {
    expectFailure(
      await run(['sign', '--type', 'ect', '--key', 'pub.json', 'c.json'], files),
      'ERR_KEY_PRIVATE_REQUIRED',
    );
  });

  it('refuses a key file that is not a JWK', async () => {
    for (const text of ['not json', '[]', '{"kty":"RSA","n":"AQAB"}', '{"kty":"OKP","crv":"Ed25519","x":"AAAA"}']) {
      const r = await run(['sign', '--type', 'ect', '--key', 'k.json', 'c.json'], { ...files, 'k.json': text });
      expectFailure(r);
      expect(r.err[0]).toMatch(/^ERR_KEY_(INVALID|UNSUPPORTED):/);
    }
  });

  it('treats an unknown type or format, a missing flag or an unreadable file as usage errors (exit 2)', async () => {
    expectUsage(await run(['sign', '--type', 'nope', '--key', 'k.json', 'c.json'], files));
    expectUsage(await run(['sign', '--type', 'ect', '--key', 'k.json', '--format', 'cbor', 'c.json'], files));
    expectUsage(await run(['sign', '--key', 'k.json', 'c.json'], files));
    expectUsage(await run(['sign', '--type', 'ect', 'c.json'], files));
    expectUsage(await run(['sign', '--type', 'ect', '--key', 'k.json'], files));
    expectUsage(await run(['sign', '--type', 'ect', '--key', 'missing.json', 'c.json'], files));
    expectUsage(await run(['sign', '--type', 'ect', '--key', 'k.json', 'missing.json'], files));
  });
});

import {
  type AnyErrorCode,
  decodeJwsHeader,
  decodeJwsPayload,
  ect,
  keyToJwk,
  MemoryReplayCache,
  publicKeyOf,
  signJws,
  toBase64Url,
  utf8,
  verifyCompactJws,
  verifyJws,
} from '@safety-net/core';
import fc from 'fast-check';
import { CompactSign, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { resultCode } from '../../../../test-support/codes.js';
import { clock, ectClaims, NOW_S, testKey } from './fixtures.js';

async function joseSigned(header: Record<string, unknown>, payload: unknown, curve: 'Ed25519' | 'P-256' = 'Ed25519') {
  const k = testKey(curve);
  const jwk = await importJWK(keyToJwk(k, { includePrivate: true }), header.alg as string);
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return new CompactSign(utf8(text)).setProtectedHeader(header as never).sign(jwk);
}

const JOSE_ALG = { Ed25519: 'EdDSA', 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as const;

describe('ECT JWT form', () => {
  it('a key restricted to ESP256 (RFC 9864, COSE only) signs and verifies as ES256, which jose accepts', async () => {
    const k = { ...testKey('P-256'), alg: -9 };
    const token = await signJws(ect, ectClaims(), k);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg).toBe('ES256');
    expect(keyToJwk(publicKeyOf(k)).alg).toBe('ES256');
    const joseKey = await importJWK(keyToJwk(publicKeyOf(k)), 'ES256');
    await expect(jwtVerify(token, joseKey, { currentDate: new Date(NOW_S * 1000) })).resolves.toBeDefined();
    expect(resultCode(await verifyJws(ect, token, { key: publicKeyOf(k), clock }))).toBe('ok');
    // The restriction still holds: an ES256-restricted key does not verify under an EdDSA header.
    const eddsa = await signJws(ect, ectClaims(), testKey('Ed25519'));
    expect(resultCode(await verifyJws(ect, eddsa, { key: publicKeyOf(k), clock }))).toBe('ERR_KEY_ALG_MISMATCH');
  });

  for (const curve of ['Ed25519', 'P-256', 'P-384', 'P-521'] as const) {
    it(`${curve}: our token verifies with jose's jwtVerify and with ours`, async () => {
      const k = testKey(curve);
      const token = await signJws(ect, ectClaims(), k);
      const joseKey = await importJWK(keyToJwk(publicKeyOf(k)), JOSE_ALG[curve]);
      const { payload, protectedHeader } = await jwtVerify(token, joseKey, {
        typ: 'exec+jwt',
        currentDate: new Date(NOW_S * 1000),
      });
      expect(payload).toEqual(ectClaims());
      expect(protectedHeader.kid).toBe(`key-${curve}`);
      const ours = await verifyJws(ect, token, { key: publicKeyOf(k), clock });
      expect(resultCode(ours)).toBe('ok');
      if (ours.ok) expect(ours.claims).toEqual(ectClaims());
    });
  }

  it('refuses claims nested past the decoding depth with a result, however deep, as the COSE form does', async () => {
    // Written as text: the deepest is past what JSON.stringify itself can walk.
    const claims = (depth: number) =>
      JSON.stringify(ectClaims({ ect_ext: { deep: 'here' } })).replace(
        '"here"',
        `${'['.repeat(depth)}${']'.repeat(depth)}`,
      );
    const verify = async (depth: number) =>
      resultCode(
        await verifyJws(ect, await joseSigned({ alg: 'EdDSA', typ: 'exec+jwt' }, claims(depth)), { key: pub, clock }),
      );
    // The claims object is level 0 and ect_ext level 1, so `deep` holds 30 more levels at the default limit of 32.
    expect(await verify(30)).toBe('ok');
    expect(await verify(31)).toBe('ERR_CLAIMS_INVALID');
    expect(await verify(10_000)).toBe('ERR_CLAIMS_INVALID');
  });

  it('verifies a token made by jose, including the legacy typ, comparing typ as a media type (RFC 7515 §4.1.9)', async () => {
    for (const typ of [
      'exec+jwt',
      'wimse-exec+jwt',
      'EXEC+JWT',
      'application/exec+jwt',
      'Application/Wimse-Exec+JWT',
    ]) {
      const token = await joseSigned({ alg: 'EdDSA', typ }, ectClaims());
      expect(resultCode(await verifyJws(ect, token, { key: publicKeyOf(testKey('Ed25519')), clock }))).toBe('ok');
    }
  });

  const pub = publicKeyOf(testKey('Ed25519'));
  const cases: [string, () => Promise<string> | string, AnyErrorCode][] = [
    ['typ of another kind', () => joseSigned({ alg: 'EdDSA', typ: 'JWT' }, ectClaims()), 'ERR_JOSE_TYP_MISMATCH'],
    ['typ missing', () => joseSigned({ alg: 'EdDSA' }, ectClaims()), 'ERR_JOSE_TYP_MISMATCH'],
    [
      'typ with another media-type prefix',
      () => joseSigned({ alg: 'EdDSA', typ: 'text/exec+jwt' }, ectClaims()),
      'ERR_JOSE_TYP_MISMATCH',
    ],
    [
      'typ with trailing space',
      () => joseSigned({ alg: 'EdDSA', typ: 'exec+jwt ' }, ectClaims()),
      'ERR_JOSE_TYP_MISMATCH',
    ],
    [
      'alg none',
      () => `${b64json({ alg: 'none', typ: 'exec+jwt' })}.${b64json(ectClaims())}.`,
      'ERR_JOSE_ALG_UNSUPPORTED',
    ],
    [
      'alg HS256',
      () => `${b64json({ alg: 'HS256', typ: 'exec+jwt' })}.${b64json(ectClaims())}.AAAA`,
      'ERR_JOSE_ALG_UNSUPPORTED',
    ],
    [
      // An object whose toString is no function cannot even be turned into a string for the message.
      'alg an object with a toString member',
      () => `${b64json({ alg: { toString: '' }, typ: 'exec+jwt' })}.${b64json(ectClaims())}.AAAA`,
      'ERR_JOSE_ALG_UNSUPPORTED',
    ],
    [
      'typ an object with a toString member',
      () => `${b64json({ alg: 'EdDSA', typ: { toString: '' } })}.${b64json(ectClaims())}.AAAA`,
      'ERR_JOSE_TYP_MISMATCH',
    ],
    [
      'ES256 token for an Ed25519 key',
      () => joseSigned({ alg: 'ES256', typ: 'exec+jwt' }, ectClaims(), 'P-256'),
      'ERR_KEY_ALG_MISMATCH',
    ],
    [
      'legacy -00 claim names',
      () => joseSigned({ alg: 'EdDSA', typ: 'exec+jwt' }, { ...ectClaims(), par: [] }),
      'ERR_CLAIMS_INVALID',
    ],
    [
      'expired',
      () => joseSigned({ alg: 'EdDSA', typ: 'exec+jwt' }, ectClaims({ iat: NOW_S - 900, exp: NOW_S - 100 })),
      'ERR_CLAIMS_EXPIRED',
    ],
    [
      'tampered payload',
      async () => tamper(await joseSigned({ alg: 'EdDSA', typ: 'exec+jwt' }, ectClaims())),
      'ERR_JOSE_BAD_SIGNATURE',
    ],
    ['two parts', () => 'abc.def', 'ERR_JOSE_MALFORMED'],
    ['header not JSON', () => 'bm90IGpzb24.e30.AAAA', 'ERR_JOSE_MALFORMED'],
    ['oversize', () => 'a'.repeat(70_000), 'ERR_INPUT_TOO_LARGE'],
  ];
  for (const [name, make, code] of cases) {
    it(`refuses: ${name} → ${code}`, async () => {
      expect(resultCode(await verifyJws(ect, await make(), { key: pub, clock }))).toBe(code);
    });
  }

  it('answers an alg/key pair jose cannot do (EdDSA over Ed448) with ERR_JOSE_ALG_UNSUPPORTED, signing and verifying', async () => {
    const ed448 = testKey('Ed448');
    await expect(signJws(ect, ectClaims(), ed448)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_UNSUPPORTED' });
    const token = await signJws(ect, ectClaims(), testKey('Ed25519'));
    expect(resultCode(await verifyJws(ect, token, { key: publicKeyOf(ed448), clock }))).toBe(
      'ERR_JOSE_ALG_UNSUPPORTED',
    );
    await expect(verifyCompactJws(token, ed448)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_UNSUPPORTED' });
  });

  it('verifyCompactJws: the checks of verifyJws without a message type, on the public part of the key', async () => {
    const key = testKey('Ed25519');
    const token = await signJws(ect, ectClaims(), key);
    const { payload, alg } = await verifyCompactJws(token, key);
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(ectClaims());
    expect(alg.name).toBe('EdDSA');
    expect(decodeJwsHeader(token)).toMatchObject({ alg: 'EdDSA', typ: 'exec+jwt' });
    expect(decodeJwsPayload(token)).toEqual(payload);
    for (const [bad, code] of [
      [tamper(token), 'ERR_JOSE_BAD_SIGNATURE'],
      [`${b64json({ alg: 'HS256' })}.${b64json({})}.AAAA`, 'ERR_JOSE_ALG_UNSUPPORTED'],
      [`${b64json({ alg: 'EdDSA', crit: ['x'] })}.${b64json({})}.AAAA`, 'ERR_JOSE_MALFORMED'],
      ['abc.def', 'ERR_JOSE_MALFORMED'],
    ] as const) {
      await expect(verifyCompactJws(bad, key)).rejects.toMatchObject({ code });
    }
  });

  it('detects replays', async () => {
    const replay = new MemoryReplayCache();
    const token = await signJws(ect, ectClaims(), testKey('Ed25519'));
    expect(resultCode(await verifyJws(ect, token, { key: pub, clock, replay }))).toBe('ok');
    expect(resultCode(await verifyJws(ect, token, { key: pub, clock, replay }))).toBe('ERR_CLAIMS_REPLAY');
  });

  it('random strings only ever give typed errors (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (s) => {
        expect((await verifyJws(ect, s, { key: pub, clock })).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

function b64json(v: unknown): string {
  return toBase64Url(utf8(JSON.stringify(v)));
}

function tamper(token: string): string {
  const [h, , s] = token.split('.');
  return `${h}.${b64json({ ...ectClaims(), exec_act: 'payment.refund' })}.${s}`;
}

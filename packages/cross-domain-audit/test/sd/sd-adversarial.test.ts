/**
 * Hostile presentations in both forms: duplicate disclosures, disclosures that match no digest or sit in the
 * wrong place, another hash algorithm, malformed digest lists, deep nesting, oversize inputs and key bindings for
 * another audience or nonce. Each is refused with its typed error.
 */
import {
  type CborValue,
  encodeCbor,
  fromHex,
  keyToCoseKey,
  keyToJwk,
  publicKeyOf,
  Simple,
  seededRandom,
  signSign1,
  Tagged,
  toBase64Url,
  utf8,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { signJwt } from '../../src/sd/jwt.js';
import { issueSdCwt, presentSdCwt, SD_CWT, sdCwtDigest, verifySdCwt } from '../../src/sd/sd-cwt.js';
import { issueSdJwt, presentSdJwt, sdJwtDigest, verifySdJwt } from '../../src/sd/sd-jwt.js';
import { asClaimsMap, clock, holderKey, issuerKey, issuerPublic, TEXT_LABELS, toJson } from './fixtures.js';

const TYP = 'example+sd-jwt';
const b64json = (v: unknown) => toBase64Url(utf8(JSON.stringify(v)));
const salt = 'c2FsdHNhbHRzYWx0c2FsdA';

/** A presentation of `payload` (signed as is) with `disclosures`. */
async function jwtPresentation(payload: object, disclosures: string[]): Promise<string> {
  return presentSdJwt(await signJwt(payload, issuerKey, { typ: TYP }), disclosures);
}
const verifyJwt = (p: string, keyBinding?: Parameters<typeof verifySdJwt>[1]['keyBinding']) =>
  verifySdJwt(p, { key: issuerPublic, typ: TYP, keyBinding });

describe('SD-JWT refusals', () => {
  const name = b64json([salt, 'name', 'Ada']);
  const element = b64json([salt, 'FR']);

  it('the same disclosure twice', async () => {
    const p = await jwtPresentation({ _sd: [sdJwtDigest(name)] }, [name, name]);
    await expect(verifyJwt(p)).rejects.toMatchObject({ code: 'ERR_AU_DISCLOSURE_DUPLICATE' });
  });

  it('a disclosure that matches no digest, or one in the wrong place, or a name already present', async () => {
    for (const [payload, disclosures] of [
      [{ _sd: [sdJwtDigest(element)] }, [name]],
      [{ _sd: [sdJwtDigest(element)] }, [element]],
      [{ list: [{ '...': sdJwtDigest(name) }] }, [name]],
      [{ name: 'Eve', _sd: [sdJwtDigest(name)] }, [name]],
      [{ _sd: [sdJwtDigest(name), sdJwtDigest(name)] }, []],
      [{ _sd: [sdJwtDigest(name)], inner: { _sd: [sdJwtDigest(name)] } }, [name]],
    ] as const) {
      const p = await jwtPresentation(payload, [...disclosures]);
      await expect(verifyJwt(p), JSON.stringify(payload)).rejects.toMatchObject({ code: 'ERR_AU_DISCLOSURE_INVALID' });
    }
  });

  it('malformed disclosures: not base64url, not JSON, wrong arity, reserved or non-text names', async () => {
    for (const bad of [
      'not base64url!',
      toBase64Url(utf8('not json')),
      b64json([salt]),
      b64json([salt, 'a', 'b', 'c']),
      b64json([1, 'name', 'x']),
      b64json([salt, '_sd', []]),
      b64json([salt, '...', 'x']),
      b64json([salt, 7, 'x']),
      b64json({ salt }),
    ]) {
      const p = await jwtPresentation({ _sd: [sdJwtDigest(bad)] }, [bad]);
      await expect(verifyJwt(p), bad).rejects.toMatchObject({ code: 'ERR_AU_DISCLOSURE_INVALID' });
    }
  });

  it('another _sd_alg, _sd_alg below the top, _sd with non-digest members, malformed element digests', async () => {
    for (const payload of [
      { _sd_alg: 'sha-512', _sd: [] },
      { inner: { _sd_alg: 'sha-256' } },
      { _sd: 'x' },
      { _sd: [1] },
      { _sd: ['too-short'] },
      { list: [{ '...': 'too-short' }] },
      { list: [{ '...': sdJwtDigest(element), extra: 1 }] },
    ]) {
      const p = await jwtPresentation(payload, []);
      await expect(verifyJwt(p), JSON.stringify(payload)).rejects.toMatchObject({ code: 'ERR_AU_DISCLOSURE_INVALID' });
    }
  });

  it('nesting deeper than 32 levels', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    await expect(verifyJwt(await jwtPresentation({ deep }, []))).rejects.toMatchObject({
      code: 'ERR_AU_DISCLOSURE_INVALID',
    });
  });

  it('more than 1,024 disclosures, and more than 256 redactions in one map at issuance', async () => {
    const many = Array.from({ length: 1025 }, (_, i) => b64json([salt, `n${i}`, i]));
    await expect(verifyJwt(await jwtPresentation({}, many))).rejects.toMatchObject({ code: 'ERR_INPUT_TOO_LARGE' });
    const wide = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`c${i}`, i]));
    expect(() =>
      issueSdJwt(wide, issuerKey, { typ: TYP, redact: Object.keys(wide), random: seededRandom('wide') }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }));
  });

  it('recursive disclosures restore in place', async () => {
    const street = b64json([salt, 'street', 'Main St']);
    const address = b64json([salt, 'address', { _sd: [sdJwtDigest(street)], town: 'Anytown' }]);
    const p = await jwtPresentation({ _sd: [sdJwtDigest(address)] }, [address, street]);
    expect((await verifyJwt(p)).claims).toEqual({ address: { street: 'Main St', town: 'Anytown' } });
    const orphan = await jwtPresentation({ _sd: [sdJwtDigest(address)] }, [street]);
    await expect(verifyJwt(orphan)).rejects.toMatchObject({ code: 'ERR_AU_DISCLOSURE_INVALID' });
  });

  describe('key binding', () => {
    const claims = { cnf: { jwk: keyToJwk(publicKeyOf(holderKey)) }, role: 'auditor' };
    const binding = { key: holderKey, audience: 'https://auditor.example', nonce: 'n-1', iat: 1_772_323_200 };
    const expected = { required: true, audience: 'https://auditor.example', nonce: 'n-1', clock };

    it('for another audience or nonce, by another key, or absent when required', async () => {
      const issued = await issueSdJwt(claims, issuerKey, { typ: TYP, redact: ['role'], random: seededRandom('kb') });
      const all = issued.disclosures.map((d) => d.disclosure);
      const good = await presentSdJwt(issued.jwt, all, binding);
      expect((await verifyJwt(good, expected)).keyBound).toBe(true);
      for (const wrong of [{ audience: 'https://other.example' }, { nonce: 'n-2' }, { key: issuerKey }]) {
        const p = await presentSdJwt(issued.jwt, all, { ...binding, ...wrong });
        await expect(verifyJwt(p, expected), JSON.stringify(Object.keys(wrong))).rejects.toMatchObject({
          code: 'ERR_AU_KEY_BINDING',
        });
      }
      await expect(verifyJwt(await presentSdJwt(issued.jwt, all), expected)).rejects.toMatchObject({
        code: 'ERR_AU_KEY_BINDING',
      });
    });
  });
});

/** A COSE_Sign1 of the SD-CWT `typ` over `claims`, with `sd_alg` and `sd_claims` as given. */
function cwt(claims: Map<CborValue, CborValue>, disclosures: CborValue, sdAlg: number = SD_CWT.sha256): Uint8Array {
  return signSign1(encodeCbor(claims), issuerKey, {
    protectedHeader: { typ: SD_CWT.typ, other: new Map([[SD_CWT.sdAlg, sdAlg]]) },
    unprotectedHeader: { other: new Map([[SD_CWT.sdClaims, disclosures]]) },
  });
}
const verifyCwt = (bytes: Uint8Array) => verifySdCwt(bytes, { key: issuerPublic, labels: TEXT_LABELS });
const s16 = fromHex('bae611067bb823486797da1ebbb52f83');
const hash = (d: Uint8Array) => Buffer.from(sdCwtDigest(d), 'base64url');
const REDACTED = new Simple(SD_CWT.redactedKeys);

describe('SD-CWT refusals', () => {
  const member = encodeCbor([s16, 'ABCD-123456', 501]);

  it('restores the draft’s issued example (its salts and structure), decoys presented too', () => {
    const e1 = encodeCbor([fromHex('8de86a012b3043ae6e4457b9e1aaab80'), 1549560720]);
    const region = encodeCbor([fromHex('ec615c3035d5a4ff2f5ae29ded683c8e'), 'ca', 'region']);
    const decoy = encodeCbor([fromHex('c1069bc056e234d64f58baff8a7b776b')]);
    const claims = new Map<CborValue, CborValue>([
      [1, 'https://issuer.example'],
      [500, true],
      [502, [new Tagged(60, hash(e1)), new Tagged(60, hash(decoy)), 1674004740]],
      [
        503,
        new Map<CborValue, CborValue>([
          ['country', 'us'],
          [REDACTED, [hash(region)]],
        ]),
      ],
      [REDACTED, [hash(member)]],
    ]);
    const restored = verifyCwt(cwt(claims, [member, e1, region, decoy]));
    expect(toJson(restored.claims)).toEqual({
      '1': 'https://issuer.example',
      '500': true,
      '501': 'ABCD-123456',
      '502': [1549560720, 1674004740],
      '503': { country: 'us', region: 'ca' },
    });
    expect(restored.disclosed).toHaveLength(3);
  });

  it('the same disclosure twice, one matching no hash, or a hash listed twice', () => {
    const claims = new Map<CborValue, CborValue>([[REDACTED, [hash(member)]]]);
    expect(() => verifyCwt(cwt(claims, [member, member]))).toThrow(
      expect.objectContaining({ code: 'ERR_AU_DISCLOSURE_DUPLICATE' }),
    );
    const other = encodeCbor([s16, 'x', 502]);
    expect(() => verifyCwt(cwt(claims, [other]))).toThrow(
      expect.objectContaining({ code: 'ERR_AU_DISCLOSURE_INVALID' }),
    );
    const twice = new Map<CborValue, CborValue>([[REDACTED, [hash(member), hash(member)]]]);
    expect(() => verifyCwt(cwt(twice, []))).toThrow(expect.objectContaining({ code: 'ERR_AU_DISCLOSURE_INVALID' }));
  });

  it('another sd_alg, malformed hash lists, tag 60 around a non-hash, sd_claims not an array', () => {
    const ok = new Map<CborValue, CborValue>([[REDACTED, [hash(member)]]]);
    for (const bytes of [
      cwt(ok, [member], -43),
      cwt(new Map<CborValue, CborValue>([[REDACTED, 'x']]), []),
      cwt(new Map<CborValue, CborValue>([[REDACTED, [new Uint8Array(31)]]]), []),
      cwt(new Map<CborValue, CborValue>([['list', [new Tagged(60, 'x')]]]), []),
      cwt(ok, member),
    ]) {
      expect(() => verifyCwt(bytes)).toThrow(expect.objectContaining({ code: 'ERR_AU_DISCLOSURE_INVALID' }));
    }
  });

  it('malformed disclosures: not bytes, not CBOR, short salt, wrong arity, bad key', () => {
    for (const bad of [
      'text' as unknown as Uint8Array,
      Uint8Array.of(0xff),
      encodeCbor([new Uint8Array(8), 'v', 'k']),
      encodeCbor([s16, 'v', 'k', 'extra']),
      encodeCbor([s16, 'v', new Uint8Array(2)]),
      encodeCbor({ salt: s16 }),
    ]) {
      const claims = new Map<CborValue, CborValue>([[REDACTED, [new Uint8Array(32)]]]);
      expect(() => verifyCwt(cwt(claims, [bad]))).toThrow(
        expect.objectContaining({ code: 'ERR_AU_DISCLOSURE_INVALID' }),
      );
    }
  });

  it('a Key Binding Token for another audience or nonce, by another key, or absent when required', () => {
    const claims = asClaimsMap({ role: 'auditor' });
    claims.set(8, new Map([[1, keyToCoseKey(publicKeyOf(holderKey))]]));
    const issued = issueSdCwt(claims, issuerKey, { labels: TEXT_LABELS, redact: ['role'], random: seededRandom('k') });
    const all = issued.disclosures.map((d) => d.disclosure);
    const binding = { key: holderKey, audience: 'https://auditor.example', nonce: 'n-1', iat: 1_772_323_200 };
    const keyBinding = { required: true, audience: 'https://auditor.example', nonce: 'n-1', clock };
    const check = (bytes: Uint8Array) => verifySdCwt(bytes, { key: issuerPublic, labels: TEXT_LABELS, keyBinding });
    expect(check(presentSdCwt(issued.issued, all, binding)).keyBound).toBe(true);
    for (const wrong of [{ audience: 'https://other.example' }, { nonce: 'n-2' }, { key: issuerKey }]) {
      expect(() => check(presentSdCwt(issued.issued, all, { ...binding, ...wrong }))).toThrow(
        expect.objectContaining({ code: 'ERR_AU_KEY_BINDING' }),
      );
    }
    expect(() => check(presentSdCwt(issued.issued, all))).toThrow(
      expect.objectContaining({ code: 'ERR_AU_KEY_BINDING' }),
    );
  });
});

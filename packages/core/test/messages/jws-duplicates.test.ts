import { createPrivateKey, type JsonWebKey as NodeJwk, sign } from 'node:crypto';
import { type AnyErrorCode, ect, keyToJwk, publicKeyOf, toBase64Url, utf8, verifyJws } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { clock, ectClaims, testKey } from './fixtures.js';

const key = testKey('Ed25519');
const pub = publicKeyOf(key);
const codeOf = (r: { ok: boolean; error?: { code: AnyErrorCode } }) => (r.ok ? 'ok' : r.error!.code);

/** A compact JWS over `header` and `payload` exactly as written, validly signed: only the text is at fault. */
function signedText(payload: string, header = '{"alg":"EdDSA","typ":"exec+jwt"}'): string {
  const input = `${toBase64Url(utf8(header))}.${toBase64Url(utf8(payload))}`;
  const privateKey = createPrivateKey({ key: keyToJwk(key, { includePrivate: true }) as NodeJwk, format: 'jwk' });
  return `${input}.${toBase64Url(new Uint8Array(sign(null, utf8(input), privateKey)))}`;
}

const claimsText = JSON.stringify(ectClaims({ ect_ext: { note: 'x' } }));
const withMember = (member: string, where: 'top' | 'nested') =>
  where === 'top' ? claimsText.replace('{', `{${member},`) : claimsText.replace('"note":"x"', `"note":"x",${member}`);

describe('the JWS form judges duplicates and __proto__ as the COSE form does', () => {
  it('accepts the plain claims', async () => {
    expect(codeOf(await verifyJws(ect, signedText(claimsText), { key: pub, clock }))).toBe('ok');
  });

  it('refuses a claim named twice, at any depth, however the name is escaped', async () => {
    for (const [member, where] of [
      ['"wid":"wf-other"', 'top'],
      ['"w\\u0069d":"wf-supply-7"', 'top'],
      ['"note":"y"', 'nested'],
      ['"n\\u006fte":"x"', 'nested'],
    ] as const) {
      const token = signedText(withMember(member, where));
      expect(codeOf(await verifyJws(ect, token, { key: pub, clock })), member).toBe('ERR_JOSE_DUPLICATE_MEMBER');
    }
  });

  it('refuses a __proto__ member at any depth, as CBOR claims are', async () => {
    for (const [member, where] of [
      ['"__proto__":{}', 'top'],
      ['"__proto__":{"admin":true}', 'nested'],
      ['"\\u005f_proto__":1', 'nested'],
    ] as const) {
      const token = signedText(withMember(member, where));
      expect(codeOf(await verifyJws(ect, token, { key: pub, clock })), member).toBe('ERR_CLAIMS_INVALID');
    }
  });

  it('refuses a header that names a member twice', async () => {
    const token = signedText(claimsText, '{"alg":"EdDSA","typ":"exec+jwt","typ":"exec+jwt"}');
    expect(codeOf(await verifyJws(ect, token, { key: pub, clock }))).toBe('ERR_JOSE_DUPLICATE_MEMBER');
  });
});

import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { generateKey, keyFromJwk, keyToJwk, seededRandom, toBase64Url } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import rfc8037 from './vectors/rfc8037.json';

// Malformed and hostile JWKs: each gives its ERR_KEY_* code, and random input never gives anything else.

const ed = rfc8037.privateJwk;
const ec = keyToJwk(generateKey('P-256', seededRandom('jwk-adversarial/P-256')), { includePrivate: true });
const otherEd = keyToJwk(generateKey('Ed25519', seededRandom('jwk-adversarial/other')), { includePrivate: true });

const b64 = (bytes: Uint8Array) => toBase64Url(bytes);
const bytesOf = (n: number, fill = 0) => new Uint8Array(n).fill(fill);

/** A y coordinate (Ed25519 encoding) with no point on the curve, found with noble as the oracle. */
function offCurveEd25519(): Uint8Array {
  for (let i = 2; ; i++) {
    const candidate = bytesOf(32);
    candidate[0] = i;
    try {
      ed25519.Point.fromBytes(candidate);
    } catch {
      return candidate;
    }
  }
}

const N = p256.Point.Fn.ORDER;
const nBytes = Uint8Array.from(Buffer.from(N.toString(16).padStart(64, '0'), 'hex'));
const ecY = Uint8Array.from(Buffer.from(ec.y!, 'base64url'));
const ecYPlus1 = ecY.slice();
ecYPlus1[31] = (ecYPlus1[31]! + 1) & 0xff;

const CASES: [string, unknown, string][] = [
  ['null', null, 'ERR_KEY_INVALID'],
  ['a string', JSON.stringify(ed), 'ERR_KEY_INVALID'],
  ['a number', 42, 'ERR_KEY_INVALID'],
  ['an array', [ed], 'ERR_KEY_INVALID'],
  ['an empty object', {}, 'ERR_KEY_INVALID'],
  ['kty not a string', { ...ed, kty: 1 }, 'ERR_KEY_INVALID'],
  ['crv not a string', { ...ed, crv: 6 }, 'ERR_KEY_INVALID'],
  ['kty inherited, not own', Object.assign(Object.create({ kty: 'OKP' }), { crv: ed.crv, x: ed.x }), 'ERR_KEY_INVALID'],
  ['kty RSA', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }, 'ERR_KEY_UNSUPPORTED'],
  ['kty oct', { kty: 'oct', k: 'AAAA', crv: 'x' }, 'ERR_KEY_UNSUPPORTED'],
  ['OKP X25519', { ...ed, crv: 'X25519' }, 'ERR_KEY_UNSUPPORTED'],
  ['OKP with an EC curve', { ...ed, crv: 'P-256' }, 'ERR_KEY_UNSUPPORTED'],
  ['EC secp256k1', { ...ec, crv: 'secp256k1' }, 'ERR_KEY_UNSUPPORTED'],
  ['crv toString', { ...ed, crv: 'toString' }, 'ERR_KEY_UNSUPPORTED'],
  ['kty __proto__', { ...ed, kty: '__proto__' }, 'ERR_KEY_UNSUPPORTED'],
  ['x missing', { kty: 'OKP', crv: 'Ed25519' }, 'ERR_KEY_INVALID'],
  ['x a number', { ...ed, x: 7 }, 'ERR_KEY_INVALID'],
  ['x one byte short', { ...ed, x: b64(bytesOf(31, 1)) }, 'ERR_KEY_INVALID'],
  ['x one byte long', { ...ed, x: b64(bytesOf(33, 1)) }, 'ERR_KEY_INVALID'],
  ['x padded', { ...ed, x: `${ed.x.slice(0, 42)}=` }, 'ERR_KEY_INVALID'],
  ['x in standard base64', { ...ed, x: ed.x.replace('_', '/') }, 'ERR_KEY_INVALID'],
  ['x non-canonical (stray low bits)', { ...ed, x: `${ed.x.slice(0, 42)}p` }, 'ERR_KEY_INVALID'],
  ['x of ten megabytes', { ...ed, x: 'A'.repeat(10_000_000) }, 'ERR_KEY_INVALID'],
  ['OKP with y', { ...ed, y: ed.x }, 'ERR_KEY_INVALID'],
  ['EC without y', { kty: 'EC', crv: 'P-256', x: ec.x }, 'ERR_KEY_INVALID'],
  ['EC off the curve', { ...ec, d: undefined, y: b64(ecYPlus1) }, 'ERR_KEY_INVALID'],
  ['EC coordinates not below p', { kty: 'EC', crv: 'P-256', x: b64(bytesOf(32, 0xff)), y: ec.y }, 'ERR_KEY_INVALID'],
  ['Ed25519 x not on the curve', { kty: 'OKP', crv: 'Ed25519', x: b64(offCurveEd25519()) }, 'ERR_KEY_INVALID'],
  [
    'Ed25519 identity point',
    { kty: 'OKP', crv: 'Ed25519', x: b64(Uint8Array.of(1, ...bytesOf(31))) },
    'ERR_KEY_INVALID',
  ],
  [
    'Ed25519 point of order 2',
    { kty: 'OKP', crv: 'Ed25519', x: b64(Uint8Array.of(0xec, ...bytesOf(30, 0xff), 0x7f)) },
    'ERR_KEY_INVALID',
  ],
  ['OKP d not matching x', { ...ed, d: otherEd.d }, 'ERR_KEY_INVALID'],
  ['EC d not matching x, y', { ...ec, d: b64(bytesOf(32, 7)) }, 'ERR_KEY_INVALID'],
  ['EC d = 0', { ...ec, d: b64(bytesOf(32)) }, 'ERR_KEY_INVALID'],
  ['EC d = n', { ...ec, d: b64(nBytes) }, 'ERR_KEY_INVALID'],
  ['d of the wrong length', { ...ed, d: b64(bytesOf(31, 1)) }, 'ERR_KEY_INVALID'],
  ['d not a string', { ...ed, d: [1, 2] }, 'ERR_KEY_INVALID'],
  ['kid not a string', { ...ed, kid: 5 }, 'ERR_KEY_INVALID'],
  ['kid of a megabyte', { ...ed, kid: 'k'.repeat(1_000_000) }, 'ERR_KEY_INVALID'],
  ['kid of 1025 UTF-8 bytes', { ...ed, kid: `é${'k'.repeat(1023)}` }, 'ERR_KEY_INVALID'],
  ['alg not a string', { ...ed, alg: -8 }, 'ERR_KEY_INVALID'],
  ['alg RS256', { ...ed, alg: 'RS256' }, 'ERR_KEY_UNSUPPORTED'],
  ['alg of another key type', { ...ed, alg: 'ES256' }, 'ERR_KEY_INVALID'],
  ['use enc', { ...ed, use: 'enc' }, 'ERR_KEY_UNSUPPORTED'],
  ['use not a string', { ...ed, use: ['sig'] }, 'ERR_KEY_INVALID'],
  ['key_ops for encryption only', { ...ec, key_ops: ['encrypt', 'decrypt'] }, 'ERR_KEY_UNSUPPORTED'],
  ['key_ops empty', { ...ed, key_ops: [] }, 'ERR_KEY_INVALID'],
  ['key_ops a string', { ...ed, key_ops: 'sign' }, 'ERR_KEY_INVALID'],
  ['key_ops with an object', { ...ed, key_ops: [{}] }, 'ERR_KEY_INVALID'],
];

describe('keyFromJwk refuses malformed keys with typed errors', () => {
  it.each(CASES)('%s', (_name, jwk, code) => {
    expect(codeOf(() => keyFromJwk(jwk))).toBe(code);
  });

  it('the base cases themselves are accepted', () => {
    expect(codeOf(() => keyFromJwk(ed))).toBe('no error');
    expect(codeOf(() => keyFromJwk(ec))).toBe('no error');
    expect(codeOf(() => keyFromJwk({ ...ed, kid: 'k'.repeat(1024) }))).toBe('no error');
    expect(codeOf(() => keyFromJwk({ ...ec, use: 'sig', key_ops: ['sign', 'verify'] }))).toBe('no error');
    expect(codeOf(() => keyFromJwk({ ...ed, key_ops: ['verify'] }))).toBe('no error');
  });
});

describe('keyFromJwk on random input (property)', () => {
  const onlyKeyCodes = (input: unknown) => {
    const code = codeOf(() => keyFromJwk(input));
    return code === 'no error' || code.startsWith('ERR_KEY_');
  };

  it('arbitrary values', () => {
    fc.assert(fc.property(fc.anything({ withNullPrototype: true, withTypedArray: true }), onlyKeyCodes), {
      numRuns: 500,
    });
  });

  it('JWK-shaped objects with random members', () => {
    const text = fc.oneof(fc.string({ maxLength: 100 }), fc.base64String({ maxLength: 100 }));
    const jwk = fc.record(
      {
        kty: fc.oneof(fc.constantFrom('OKP', 'EC', 'RSA', ''), fc.anything()),
        crv: fc.oneof(fc.constantFrom('Ed25519', 'Ed448', 'P-256', 'P-384', 'P-521', 'X448'), fc.anything()),
        x: fc.oneof(text, fc.constant(ed.x), fc.constant(ec.x), fc.anything()),
        y: fc.oneof(text, fc.constant(ec.y), fc.anything()),
        d: fc.oneof(text, fc.constant(ed.d), fc.constant(ec.d), fc.anything()),
        kid: fc.oneof(fc.string(), fc.anything()),
        alg: fc.oneof(fc.constantFrom('EdDSA', 'ES256', 'ES512', 'none'), fc.anything()),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(jwk, onlyKeyCodes), { numRuns: 1000 });
  });
});

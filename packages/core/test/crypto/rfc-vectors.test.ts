import {
  algorithmById,
  type CryptoBackend,
  type Curve,
  fromHex,
  keyFromJwk,
  nobleBackend,
  nodeBackend,
  type PrivateKey,
  publicKeyOf,
  toBase64Url,
  toHex,
  utf8,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import rfc6979 from './vectors/rfc6979.json';
import rfc8032 from './vectors/rfc8032.json';

// Published vectors, run under both backends: RFC 8032 EdDSA signatures byte for byte, and RFC 6979 deterministic
// ECDSA (noble reproduces r||s exactly; node:crypto, which randomises its nonce, must verify them).

const BACKENDS: [string, CryptoBackend][] = [
  ['noble', nobleBackend],
  ['node', nodeBackend()!],
];

describe.each(rfc8032.vectors)('RFC 8032: $name', (v) => {
  const key = keyFromJwk({
    kty: 'OKP',
    crv: v.curve,
    x: toBase64Url(fromHex(v.public)),
    d: toBase64Url(fromHex(v.secret)),
  }) as PrivateKey;
  const alg = algorithmById(-8);

  it.each(BACKENDS)('%s reproduces the signature and verifies it', (_name, backend) => {
    const message = fromHex(v.message);
    expect(toHex(backend.sign(alg, key, message))).toBe(v.signature);
    expect(backend.verify(alg, publicKeyOf(key), message, fromHex(v.signature))).toBe(true);
    expect(backend.verify(alg, publicKeyOf(key), utf8('other'), fromHex(v.signature))).toBe(false);
  });
});

describe.each(rfc6979.vectors)('RFC 6979: $curve, alg $alg, "$message"', (v) => {
  const k = rfc6979.keys[v.curve as keyof typeof rfc6979.keys];
  const key = keyFromJwk({
    kty: 'EC',
    crv: v.curve as Curve,
    x: toBase64Url(fromHex(k.x)),
    y: toBase64Url(fromHex(k.y)),
    d: toBase64Url(fromHex(k.d)),
  }) as PrivateKey;
  const alg = algorithmById(v.alg);
  const message = utf8(v.message);
  const expected = `${v.r}${v.s}`.toLowerCase();

  it('noble signs exactly the published r || s', () => {
    expect(toHex(nobleBackend.sign(alg, key, message))).toBe(expected);
  });

  it.each(BACKENDS)('%s verifies the published signature and refuses a changed message', (_name, backend) => {
    expect(backend.verify(alg, publicKeyOf(key), message, fromHex(expected))).toBe(true);
    expect(backend.verify(alg, publicKeyOf(key), utf8(`${v.message}!`), fromHex(expected))).toBe(false);
  });
});

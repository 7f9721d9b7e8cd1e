import {
  algorithmById,
  fromBase64Url,
  fromUtf8,
  generateKey,
  jwkThumbprint,
  keyFromJwk,
  keyToJwk,
  nobleBackend,
  nodeBackend,
  type PrivateKey,
  publicKeyOf,
  seededRandom,
  toBase64Url,
  utf8,
} from '@safety-net/core';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import rfc8037 from './vectors/rfc8037.json';

// RFC 8037 Appendix A end to end: the JWKs parse, the thumbprint matches, both backends reproduce the A.4 JWS
// signature byte for byte, and jose (a second implementation) verifies the JWS with the JWK we export.

describe('RFC 8037 Appendix A', () => {
  const priv = keyFromJwk(rfc8037.privateJwk) as PrivateKey;
  const pub = publicKeyOf(keyFromJwk(rfc8037.publicJwk));

  it('A.1 / A.2: parses the private and public JWK into the same public key', () => {
    expect(priv.type).toBe('private');
    expect(pub.type).toBe('public');
    expect(publicKeyOf(priv)).toEqual(pub);
    expect(keyToJwk(pub)).toEqual(rfc8037.publicJwk);
    expect(keyToJwk(priv, { includePrivate: true })).toEqual(rfc8037.privateJwk);
    expect(keyToJwk(priv)).toEqual(rfc8037.publicJwk); // public unless asked
  });

  it('A.3: the RFC 7638 thumbprint', () => {
    expect(jwkThumbprint(pub)).toBe(rfc8037.thumbprint);
    expect(jwkThumbprint(priv)).toBe(rfc8037.thumbprint);
  });

  it('A.4: both backends reproduce the JWS signature over the signing input', () => {
    const [header, payload, signature] = rfc8037.jws.split('.') as [string, string, string];
    const signingInput = utf8(`${header}.${payload}`);
    for (const backend of [nobleBackend, nodeBackend()!]) {
      expect(toBase64Url(backend.sign(algorithmById(-8), priv, signingInput))).toBe(signature);
      expect(backend.verify(algorithmById(-8), pub, signingInput, fromBase64Url(signature))).toBe(true);
    }
  });

  it('A.4: jose verifies the JWS with the JWK we export', async () => {
    const key = await importJWK(keyToJwk(pub), 'EdDSA');
    const { payload } = await compactVerify(rfc8037.jws, key);
    expect(fromUtf8(payload)).toBe(rfc8037.payload);
  });
});

describe('JWK members', () => {
  it('alg maps to the COSE id and back; kid is carried as UTF-8 bytes', () => {
    const key = keyFromJwk({ ...rfc8037.publicJwk, alg: 'EdDSA', kid: 'clé-1' });
    expect(key.alg).toBe(-8);
    expect(key.kid).toEqual(new Uint8Array([0x63, 0x6c, 0xc3, 0xa9, 0x2d, 0x31]));
    expect(keyToJwk(key)).toEqual({ ...rfc8037.publicJwk, alg: 'EdDSA', kid: 'clé-1' });
    expect(keyFromJwk({ ...rfc8037.publicJwk, alg: 'Ed25519' }).alg).toBe(-19);
  });

  it('a binary kid has no JWK form and is left out', () => {
    const key = { ...keyFromJwk(rfc8037.publicJwk), kid: new Uint8Array([0xff, 0xfe]) };
    expect(keyToJwk(key)).toEqual(rfc8037.publicJwk);
  });

  it('other members are ignored', () => {
    expect(keyFromJwk({ ...rfc8037.publicJwk, use: 'sig', key_ops: ['verify'], ext: true })).toEqual(
      keyFromJwk(rfc8037.publicJwk),
    );
  });

  it('EC thumbprints agree with jose', async () => {
    for (const curve of ['P-256', 'P-384', 'P-521', 'Ed448'] as const) {
      const key = generateKey(curve, seededRandom(`jwk-thumbprint/${curve}`));
      expect(jwkThumbprint(key)).toBe(await calculateJwkThumbprint(keyToJwk(key), 'sha256'));
    }
  });
});

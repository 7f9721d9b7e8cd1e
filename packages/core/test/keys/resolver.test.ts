import {
  algorithmById,
  coseKeyThumbprint,
  generateKey,
  jwkThumbprint,
  type KeyResolver,
  keySet,
  publicKeyOf,
  seededRandom,
  singleKey,
  utf8,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';

const EDDSA = algorithmById(-8);
const ES256 = algorithmById(-7);
const ES512 = algorithmById(-36);

const alice = { ...generateKey('Ed25519', seededRandom('resolver/alice')), kid: utf8('alice-1') };
const bob = generateKey('Ed25519', seededRandom('resolver/bob'));
const carol = generateKey('P-256', seededRandom('resolver/carol'));
const mallory = { ...generateKey('Ed25519', seededRandom('resolver/mallory')), kid: utf8('alice-1') };

const resolveCode = (resolver: KeyResolver, request: Parameters<KeyResolver['resolve']>[0]) =>
  codeOf(() => resolver.resolve(request));

describe('singleKey', () => {
  it('answers with the public key, with or without a kid in the message', () => {
    const resolver = singleKey(alice);
    expect(resolver.resolve({ alg: EDDSA })).toBe(publicKeyOf(alice));
    expect(resolver.resolve({ alg: EDDSA, kid: utf8('alice-1') })).toBe(publicKeyOf(alice));
    expect('d' in resolver.resolve({ alg: EDDSA })).toBe(false);
  });

  it('a kid in the message must name this key: its own kid or a thumbprint', () => {
    const resolver = singleKey(bob);
    expect(resolveCode(resolver, { alg: EDDSA, kid: coseKeyThumbprint(bob) })).toBe('no error');
    expect(resolveCode(resolver, { alg: EDDSA, kid: utf8(jwkThumbprint(bob)) })).toBe('no error');
    expect(resolveCode(resolver, { alg: EDDSA, kid: utf8('bob') })).toBe('ERR_KEY_NOT_FOUND');
    expect(resolveCode(singleKey(alice), { alg: EDDSA, kid: utf8('alice-2') })).toBe('ERR_KEY_NOT_FOUND');
    expect(resolveCode(singleKey(alice), { alg: EDDSA, kid: coseKeyThumbprint(bob) })).toBe('ERR_KEY_NOT_FOUND');
  });

  it('the key must fit the algorithm', () => {
    expect(resolveCode(singleKey(alice), { alg: ES256 })).toBe('ERR_KEY_ALG_MISMATCH');
    expect(resolveCode(singleKey({ ...carol, alg: -7 }), { alg: ES512 })).toBe('ERR_KEY_ALG_MISMATCH');
  });
});

describe('KeySet', () => {
  const set = keySet([
    { key: alice, issuers: ['https://alice.example'] },
    { key: bob, kid: 'bob-key' },
    {
      key: publicKeyOf(carol),
      kid: new Uint8Array([0xca, 0x01]),
      issuers: ['https://carol.example', 'https://c.example'],
    },
  ]);

  it('finds keys by own kid, explicit kid (text or bytes) and thumbprints', () => {
    expect(set.size).toBe(3);
    expect(set.resolve({ alg: EDDSA, kid: utf8('alice-1'), issuer: 'https://alice.example' })).toBe(publicKeyOf(alice));
    expect(set.resolve({ alg: EDDSA, kid: utf8('bob-key') })).toBe(publicKeyOf(bob));
    expect(set.resolve({ alg: EDDSA, kid: coseKeyThumbprint(bob) })).toBe(publicKeyOf(bob));
    expect(set.resolve({ alg: EDDSA, kid: utf8(jwkThumbprint(bob)) })).toBe(publicKeyOf(bob));
    expect(set.resolve({ alg: ES256, kid: new Uint8Array([0xca, 0x01]), issuer: 'https://c.example' })).toBe(
      publicKeyOf(carol),
    );
  });

  it('an unknown kid is ERR_KEY_NOT_FOUND', () => {
    expect(resolveCode(set, { alg: EDDSA, kid: utf8('nobody') })).toBe('ERR_KEY_NOT_FOUND');
    expect(resolveCode(set, { alg: EDDSA, kid: coseKeyThumbprint(mallory) })).toBe('ERR_KEY_NOT_FOUND');
    expect(resolveCode(set, { alg: EDDSA, kid: new Uint8Array(100_000) })).toBe('ERR_KEY_NOT_FOUND');
  });

  it('issuer binding: another issuer, or none, is ERR_KEY_UNTRUSTED; unbound keys serve anyone', () => {
    const kid = utf8('alice-1');
    expect(resolveCode(set, { alg: EDDSA, kid, issuer: 'https://mallory.example' })).toBe('ERR_KEY_UNTRUSTED');
    expect(resolveCode(set, { alg: EDDSA, kid })).toBe('ERR_KEY_UNTRUSTED');
    expect(resolveCode(set, { alg: EDDSA, kid: utf8('bob-key'), issuer: 'https://anyone.example' })).toBe('no error');
  });

  it('a key that does not fit the algorithm is ERR_KEY_ALG_MISMATCH', () => {
    expect(resolveCode(set, { alg: ES256, kid: utf8('bob-key') })).toBe('ERR_KEY_ALG_MISMATCH');
  });

  it('without a kid: the one key that fits the algorithm, else ERR_KEY_NOT_FOUND', () => {
    expect(set.resolve({ alg: ES256, issuer: 'https://carol.example' })).toBe(publicKeyOf(carol));
    expect(resolveCode(set, { alg: ES256, issuer: 'https://mallory.example' })).toBe('ERR_KEY_UNTRUSTED');
    expect(resolveCode(set, { alg: EDDSA })).toBe('ERR_KEY_NOT_FOUND'); // alice and bob: ambiguous
    expect(resolveCode(keySet([]), { alg: EDDSA })).toBe('ERR_KEY_NOT_FOUND');
    expect(keySet([{ key: bob }]).resolve({ alg: EDDSA })).toBe(publicKeyOf(bob));
  });

  it('refuses a kid that already names another key, and the same key twice', () => {
    expect(codeOf(() => keySet([{ key: alice }, { key: mallory }]))).toBe('ERR_KEY_INVALID');
    expect(codeOf(() => keySet([{ key: bob }, { key: bob, kid: 'again' }]))).toBe('ERR_KEY_INVALID');
    expect(codeOf(() => keySet([{ key: alice }, { key: bob, kid: coseKeyThumbprint(alice) }]))).toBe('ERR_KEY_INVALID');
    const growing = keySet([{ key: alice }]);
    expect(growing.add({ key: bob }).size).toBe(2);
  });
});

import {
  type EctClaims,
  ectHash,
  fixedClock,
  generateKey,
  type PrivateKey,
  seededRandom,
  utf8,
} from '@safety-net/core';

/** Fixed time for message tests: 2026-03-01T00:00:00Z. */
export const NOW_S = 1_772_323_200;
export const clock = fixedClock(NOW_S * 1000);

/** Deterministic keys, one per curve, each with a kid. */
export function testKey(curve: 'Ed25519' | 'Ed448' | 'P-256' | 'P-384' | 'P-521'): PrivateKey {
  const key = generateKey(curve, seededRandom(`message-tests/${curve}`));
  return { ...key, kid: utf8(`key-${curve}`) };
}

export function ectClaims(overrides: Partial<EctClaims> = {}): EctClaims {
  return {
    iss: 'spiffe://example.org/agent/inventory',
    aud: 'spiffe://example.org/agent/shipping',
    iat: NOW_S,
    exp: NOW_S + 300,
    jti: '4f1c1e0a-9a53-4d39-8d5e-7c1b8b1f3e21',
    wid: 'wf-supply-7',
    exec_act: 'inventory.reserve',
    pred: [],
    inp_hash: ectHash('{"sku":"A-1","qty":3}'),
    ...overrides,
  };
}

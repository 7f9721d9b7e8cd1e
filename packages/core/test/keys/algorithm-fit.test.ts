import {
  algorithmById,
  assertKeyFitsAlgorithm,
  type Curve,
  generateKey,
  type Key,
  seededRandom,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';

const key = (curve: Curve, alg?: number): Key => ({
  ...generateKey(curve, seededRandom(`fit/${curve}`)),
  ...(alg !== undefined ? { alg } : {}),
});
const fit = (k: Key, alg: number, profile = false) =>
  codeOf(() => assertKeyFitsAlgorithm(k, algorithmById(alg), { profile }));

describe('assertKeyFitsAlgorithm', () => {
  it('accepts each curve with its algorithms', () => {
    expect(fit(key('Ed25519'), -8)).toBe('no error');
    expect(fit(key('Ed25519'), -19)).toBe('no error');
    expect(fit(key('Ed448'), -8)).toBe('no error');
    expect(fit(key('P-256'), -7, true)).toBe('no error');
    expect(fit(key('P-384'), -35, true)).toBe('no error');
    expect(fit(key('P-521'), -36, true)).toBe('no error');
  });

  it('refuses another key type, and Ed448 under the Ed25519-only identifier', () => {
    expect(fit(key('Ed25519'), -7)).toBe('ERR_KEY_ALG_MISMATCH');
    expect(fit(key('P-256'), -8)).toBe('ERR_KEY_ALG_MISMATCH');
    expect(fit(key('Ed448'), -19)).toBe('ERR_KEY_ALG_MISMATCH');
  });

  it('generic verification allows any ECDSA hash on any EC2 curve; the profile binds them', () => {
    expect(fit(key('P-256'), -36)).toBe('no error');
    expect(fit(key('P-256'), -36, true)).toBe('ERR_KEY_ALG_MISMATCH');
    expect(fit(key('P-521'), -7, true)).toBe('ERR_KEY_ALG_MISMATCH');
  });

  it("honours the key's own alg restriction", () => {
    expect(fit(key('Ed25519', -19), -19)).toBe('no error');
    expect(fit(key('Ed25519', -19), -8)).toBe('ERR_KEY_ALG_MISMATCH');
    expect(fit(key('P-256', -7), -36)).toBe('ERR_KEY_ALG_MISMATCH');
  });
});

describe('RFC 9864 fully specified identifiers', () => {
  it('bind Ed448 (-53) and ESP256/384/512 (-9/-51/-52) to one curve, even in generic verification', () => {
    expect(fit(key('Ed448'), -53)).toBe('no error');
    expect(fit(key('Ed25519'), -53)).toBe('ERR_KEY_ALG_MISMATCH');
    expect(fit(key('P-256'), -9)).toBe('no error');
    expect(fit(key('P-384'), -51)).toBe('no error');
    expect(fit(key('P-521'), -52)).toBe('no error');
    // ES512 (-36) may run over P-256 under generic RFC 9052 rules; its fully specified twin may not.
    expect(fit(key('P-256'), -52)).toBe('ERR_KEY_ALG_MISMATCH');
    expect(fit(key('P-521'), -9)).toBe('ERR_KEY_ALG_MISMATCH');
    expect(fit(key('P-256'), -51)).toBe('ERR_KEY_ALG_MISMATCH');
  });

  it('carry the registered identifiers, names and JOSE names', () => {
    const rows = [-53, -9, -51, -52].map((id) => {
      const a = algorithmById(id);
      return [a.id, a.name, a.jose, a.hash ?? null, a.curves.join()];
    });
    expect(rows).toEqual([
      [-53, 'Ed448', 'Ed448', null, 'Ed448'],
      [-9, 'ESP256', 'ES256', 'SHA-256', 'P-256'],
      [-51, 'ESP384', 'ES384', 'SHA-384', 'P-384'],
      [-52, 'ESP512', 'ES512', 'SHA-512', 'P-521'],
    ]);
  });
});

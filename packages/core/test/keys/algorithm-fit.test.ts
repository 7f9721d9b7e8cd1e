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

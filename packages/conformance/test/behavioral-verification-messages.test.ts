import { behavioralProfile, bet, observation, performanceProfile } from '@safety-net/behavioral-verification';
import { type MessageType, signJws } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { behavioralVerificationMessageVectors, KEYS } from '../src/generate/index.js';
import { runVector, vectorText } from '../src/index.js';

describe('message-verify vectors of the behavioural verification messages', () => {
  const vectors = behavioralVerificationMessageVectors();

  it('cover every message type, valid and refused', () => {
    expect(new Set(vectors.map((v) => (v.input as { type: string }).type))).toEqual(
      new Set(['bv-profile', 'bv-observation', 'bet', 'bv-performance']),
    );
    expect(
      vectors.filter((v) => (v.expected as { result: string }).result === 'invalid').length,
    ).toBeGreaterThanOrEqual(8);
  });

  it('hold, in JWT form too, a valid message and a refusal of each type', () => {
    const jwt = vectors.filter((v) => 'jws' in (v.input as object));
    for (const type of ['bv-profile', 'bv-observation', 'bet', 'bv-performance']) {
      const mine = jwt
        .filter((v) => (v.input as { type: string }).type === type)
        .map((v) => (v.expected as { result: string }).result);
      expect(mine).toContain('valid');
      expect(mine).toContain('invalid');
    }
  });

  it('the hand-made Ed25519 JWTs are what signJws (jose) makes of the same claims, byte for byte', async () => {
    const types = {
      'bv-profile': behavioralProfile,
      'bv-observation': observation,
      bet,
      'bv-performance': performanceProfile,
    };
    const valid = vectors.filter(
      (v) => 'jws' in (v.input as object) && (v.expected as { result: string; alg?: number }).alg === -8,
    );
    expect(valid.length).toBe(3);
    for (const v of valid) {
      const { type, jws } = v.input as { type: keyof typeof types; jws: string };
      const claims = (v.expected as { claims: object }).claims;
      // The four types differ in their claim types; the claims come from the vector, so any object will do.
      expect(await signJws(types[type] as unknown as MessageType<object>, claims, KEYS.ed25519)).toBe(jws);
    }
  });

  it('are reproduced byte for byte by the generator', () => {
    expect(behavioralVerificationMessageVectors().map(vectorText)).toEqual(vectors.map(vectorText));
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s passes the vector runner', async (_id, v) => {
    const result = await runVector(JSON.parse(vectorText(v)), v.id);
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it('fail the runner when an expectation is wrong (the runner really checks)', async () => {
    for (const v of vectors.slice(0, 6)) {
      const wrong = {
        ...v,
        expected:
          (v.expected as { result: string }).result === 'valid'
            ? { result: 'invalid', error: 'ERR_CLAIMS_INVALID' }
            : { result: 'invalid', error: 'ERR_CBOR_TRUNCATED' },
      };
      expect((await runVector(JSON.parse(vectorText(wrong)), v.id)).passed).toBe(false);
    }
  });
});

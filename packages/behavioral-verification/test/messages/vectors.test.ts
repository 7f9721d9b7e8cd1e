import { ect, MessageTypeRegistry } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { behavioralVerificationMessageVectors } from '../../../../scripts/vectors/behavioral-verification-messages.js';
import { runVector, vectorText } from '../../../cli/src/index.js';
import { behavioralProfile, bet, observation, performanceProfile } from '../../src/messages/index.js';

const registry = new MessageTypeRegistry([ect, behavioralProfile, observation, bet, performanceProfile]);

describe('message-verify vectors of the behavioural verification messages', () => {
  const vectors = behavioralVerificationMessageVectors();

  it('cover every message type, valid and refused', () => {
    expect(new Set(vectors.map((v) => (v.input as { type: string }).type))).toEqual(
      new Set(['bv-profile', 'bv-observation', 'bet', 'bv-performance']),
    );
    expect(vectors.filter((v) => (v.expected as { result: string }).result === 'invalid').length).toBeGreaterThanOrEqual(8);
  });

  it('are reproduced byte for byte by the generator', () => {
    expect(behavioralVerificationMessageVectors().map(vectorText)).toEqual(vectors.map(vectorText));
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s passes the vector runner', async (_id, v) => {
    const result = await runVector(JSON.parse(vectorText(v)), v.id, { registry });
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it('fail the runner when an expectation is wrong (the runner really checks)', async () => {
    for (const v of vectors.slice(0, 6)) {
      const wrong = { ...v, expected: (v.expected as { result: string }).result === 'valid' ? { result: 'invalid', error: 'ERR_CLAIMS_INVALID' } : { result: 'invalid', error: 'ERR_CBOR_TRUNCATED' } };
      expect((await runVector(JSON.parse(vectorText(wrong)), v.id, { registry })).passed).toBe(false);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { generateKey, publicKeyOf, seededRandom, signSign, utf8, verifySign } from '@safety-net/core';
import { codeOf } from '../../../../test-support/codes.js';

const alice = generateKey('P-256', seededRandom('alice'));
const bob = generateKey('P-256', seededRandom('bob'));
const carol = generateKey('P-256', seededRandom('carol'));
const message = signSign(utf8('transfer 1M'), [{ key: alice }, { key: bob }]);

describe('verifySign signer thresholds', () => {
  it('counts distinct trusted signers against k', () => {
    const onlyAlice = verifySign(message, { key: publicKeyOf(alice), require: { atLeast: 1 } });
    expect(onlyAlice.outcomes.map((o) => o.valid)).toEqual([true, false]);
    expect(codeOf(() => verifySign(message, { key: publicKeyOf(alice), require: { atLeast: 2 } }))).toBe('ERR_COSE_BAD_SIGNATURE');
  });

  it('refuses a policy that is not all or a whole k ≥ 1, before any signature is checked, even when none would verify', () => {
    const stranger = publicKeyOf(carol);
    expect(codeOf(() => verifySign(message, { key: stranger, require: { atLeast: 1 } }))).toBe('ERR_COSE_BAD_SIGNATURE');
    for (const require of [{ atLeast: Number.NaN }, {}, { atLeast: undefined }, { atLeast: '1' }, { atLeast: 0 }, { atLeast: -1 }, { atLeast: 1.5 }, 'any', null, 1]) {
      expect(codeOf(() => verifySign(message, { key: stranger, require: require as never }))).toBe('ERR_INPUT_INVALID');
    }
  });
});

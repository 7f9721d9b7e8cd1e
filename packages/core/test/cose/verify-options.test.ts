import {
  ect,
  generateKey,
  publicKeyOf,
  seededRandom,
  signSign,
  signSign1,
  utf8,
  verifySign,
  verifySign1,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { clock, ectClaims } from '../messages/fixtures.js';

const alice = generateKey('P-256', seededRandom('alice'));
const bob = generateKey('P-256', seededRandom('bob'));
const carol = generateKey('P-256', seededRandom('carol'));
const message = signSign(utf8('transfer 1M'), [{ key: alice }, { key: bob }]);

describe('verifySign signer thresholds', () => {
  it('counts distinct trusted signers against k', () => {
    const onlyAlice = verifySign(message, { key: publicKeyOf(alice), require: { atLeast: 1 } });
    expect(onlyAlice.outcomes.map((o) => o.valid)).toEqual([true, false]);
    expect(codeOf(() => verifySign(message, { key: publicKeyOf(alice), require: { atLeast: 2 } }))).toBe(
      'ERR_COSE_BAD_SIGNATURE',
    );
  });

  it('refuses a policy that is not all or a whole k ≥ 1, before any signature is checked, even when none would verify', () => {
    const stranger = publicKeyOf(carol);
    expect(codeOf(() => verifySign(message, { key: stranger, require: { atLeast: 1 } }))).toBe(
      'ERR_COSE_BAD_SIGNATURE',
    );
    for (const require of [
      { atLeast: Number.NaN },
      {},
      { atLeast: undefined },
      { atLeast: '1' },
      { atLeast: 0 },
      { atLeast: -1 },
      { atLeast: 1.5 },
      'any',
      null,
      1,
    ]) {
      expect(codeOf(() => verifySign(message, { key: stranger, require: require as never }))).toBe('ERR_INPUT_INVALID');
    }
  });
});

describe('detached payloads', () => {
  const key = publicKeyOf(alice);

  it('verifies a detached payload supplied by the caller', () => {
    const detached = signSign1(utf8('pay Bob 10'), alice, { detached: true });
    expect(verifySign1(detached, { key, detachedPayload: utf8('pay Bob 10') }).payload).toEqual(utf8('pay Bob 10'));
    expect(codeOf(() => verifySign1(detached, { key, detachedPayload: utf8('pay Mallory 1000000') }))).toBe(
      'ERR_COSE_BAD_SIGNATURE',
    );
    expect(codeOf(() => verifySign1(detached, { key }))).toBe('ERR_COSE_PAYLOAD_MISSING');
  });

  it('refuses a supplied payload for a message that carries its own, rather than verifying the carried one', () => {
    const carried = signSign1(utf8('pay Bob 10'), alice);
    expect(codeOf(() => verifySign1(carried, { key, detachedPayload: utf8('pay Mallory 1000000') }))).toBe(
      'ERR_INPUT_INVALID',
    );
    expect(codeOf(() => verifySign1(carried, { key, detachedPayload: utf8('pay Bob 10') }))).toBe('ERR_INPUT_INVALID');
    expect(codeOf(() => verifySign(message, { key, require: { atLeast: 1 }, detachedPayload: utf8('x') }))).toBe(
      'ERR_INPUT_INVALID',
    );
    const token = ect.sign(ectClaims(), alice);
    const result = ect.verify(token, { key, clock, detachedPayload: utf8('other') });
    expect(result.ok ? 'ok' : result.error.code).toBe('ERR_INPUT_INVALID');
  });
});

import {
  algorithmById,
  type CryptoBackend,
  encodeCoseKey,
  fixedClock,
  nobleBackend,
  publicKeyOf,
  sign1ToBeSigned,
  toBase64Url,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { rememberingBackend } from '../../src/authority/remembered-signatures.js';
import { authorityPolicy } from '../../src/index.js';
import { SAMPLE_KEYS, sampleKey, samplePolicyClaims } from '../../src/testing.js';
import { NOW, openGuard, signal } from '../guard/world.js';

const EDDSA = algorithmById(-8)!;

/** noble (independent of the backend the process chose), counting the signatures it really checks. */
function counting() {
  const calls = { verify: 0 };
  const backend: CryptoBackend = {
    name: 'noble',
    sign: (alg, key, data) => nobleBackend.sign(alg, key, data),
    verify: (alg, key, data, signature) => {
      calls.verify++;
      return nobleBackend.verify(alg, key, data, signature);
    },
  };
  return { backend, calls };
}

/** The to-be-signed bytes and signature of a COSE_Sign1 by `key`. */
function signed(text: string, key = SAMPLE_KEYS.supervisor) {
  const payload = new TextEncoder().encode(text);
  const data = sign1ToBeSigned(new Uint8Array([0xa1, 0x01, 0x27]), payload);
  return { data, signature: nobleBackend.sign(EDDSA, key, data), key: publicKeyOf(key) };
}

describe('rememberingBackend: a signature verified once per process', () => {
  it('checks the same algorithm, key material, bytes and signature once, and answers true after', () => {
    const { backend: inner, calls } = counting();
    const backend = rememberingBackend(() => inner);
    const { data, signature, key } = signed('halt');
    expect(backend.verify(EDDSA, key, data, signature)).toBe(true);
    // Another guard's copy of the same key and bytes: the same answer, without a second check.
    expect(backend.verify(EDDSA, { ...key, x: key.x.slice(), kid: undefined }, data.slice(), signature.slice())).toBe(
      true,
    );
    expect(calls.verify).toBe(1);
  });

  it('checks again for another key, other bytes or a signature that failed, and does not remember failures', () => {
    const { backend: inner, calls } = counting();
    const backend = rememberingBackend(() => inner);
    const { data, signature, key } = signed('halt');
    expect(backend.verify(EDDSA, key, data, signature)).toBe(true);
    const other = publicKeyOf(SAMPLE_KEYS.safetyOfficer);
    expect(backend.verify(EDDSA, other, data, signature)).toBe(false);
    const altered = data.slice();
    altered[altered.length - 1]! ^= 1;
    expect(backend.verify(EDDSA, key, altered, signature)).toBe(false);
    const forged = signature.slice();
    forged[0]! ^= 1;
    expect(backend.verify(EDDSA, key, data, forged)).toBe(false);
    expect(backend.verify(EDDSA, key, data, forged)).toBe(false);
    expect(calls.verify).toBe(5);
  });

  it('tells apart signatures that share their leading bytes: only the one that verified is remembered', () => {
    const { backend: inner, calls } = counting();
    const backend = rememberingBackend(() => inner);
    const { data, signature, key } = signed('halt');
    expect(backend.verify(EDDSA, key, data, signature)).toBe(true);
    const forged = signature.slice();
    forged[forged.length - 1]! ^= 1;
    expect(backend.verify(EDDSA, key, data, forged)).toBe(false);
    expect(backend.verify(EDDSA, key, data, signature)).toBe(true);
    expect(calls.verify).toBe(2);
  });

  it('keeps the later of two verified signatures that share their leading bytes', () => {
    let checks = 0;
    const accepting: CryptoBackend = { name: 'noble', sign: () => new Uint8Array(64), verify: () => ++checks > 0 };
    const backend = rememberingBackend(() => accepting);
    const { data, key } = signed('halt');
    const first = new Uint8Array(64).fill(7);
    const second = first.slice();
    second[63] = 8;
    for (const signature of [first, second, second, first, first]) {
      expect(backend.verify(EDDSA, key, data, signature)).toBe(true);
    }
    expect(checks).toBe(3);
  });

  it('keeps copies and a digest: bytes changed after the check in a reused buffer are checked anew', () => {
    const { backend: inner, calls } = counting();
    const backend = rememberingBackend(() => inner);
    const { data, signature, key } = signed('halt');
    expect(backend.verify(EDDSA, key, data, signature)).toBe(true);
    data[data.length - 1]! ^= 1;
    expect(backend.verify(EDDSA, key, data, signature)).toBe(false);
    expect(calls.verify).toBe(2);
  });

  it('remembers each signature with the key material it was checked under, when a key object changes after', () => {
    const { backend: inner, calls } = counting();
    const backend = rememberingBackend(() => inner);
    const first = signed('first');
    const second = signed('second', SAMPLE_KEYS.safetyOfficer);
    const reused = { ...first.key, x: first.key.x.slice() };
    expect(backend.verify(EDDSA, reused, first.data, first.signature)).toBe(true);
    reused.x.set(second.key.x);
    expect(backend.verify(EDDSA, reused, second.data, second.signature)).toBe(true);
    expect(backend.verify(EDDSA, first.key, first.data, first.signature)).toBe(true);
    expect(backend.verify(EDDSA, second.key, second.data, second.signature)).toBe(true);
    expect(backend.verify(EDDSA, reused, first.data, first.signature)).toBe(false);
    expect(calls.verify).toBe(3);
  });

  it('remembers at most its capacity, forgetting the oldest', () => {
    const { backend: inner, calls } = counting();
    const backend = rememberingBackend(() => inner, 1);
    const first = signed('first');
    const second = signed('second');
    expect(backend.verify(EDDSA, first.key, first.data, first.signature)).toBe(true);
    expect(backend.verify(EDDSA, second.key, second.data, second.signature)).toBe(true);
    expect(backend.verify(EDDSA, first.key, first.data, first.signature)).toBe(true);
    expect(calls.verify).toBe(3);
  });

  it('signs with the inner backend, signatures the inner backend verifies', () => {
    const { backend: inner } = counting();
    const backend = rememberingBackend(() => inner);
    const { data, key } = signed('halt');
    expect(backend.name).toBe('noble');
    expect(nobleBackend.verify(EDDSA, key, data, backend.sign(EDDSA, SAMPLE_KEYS.supervisor, data))).toBe(true);
  });

  it('against a real signal: what one guard verified still goes through every other guard’s own checks', async () => {
    const bytes = signal('ov-sig-shared', 1, 'pause');
    const first = await openGuard();
    expect((await first.guard.receive(bytes)).claims.status).toBe('complied');
    // A guard whose policy holds another key under the supervisor's kid checks the signature with that key, and fails.
    const impostor = { ...sampleKey('another-supervisor'), kid: SAMPLE_KEYS.supervisor.kid };
    const otherKey = toBase64Url(encodeCoseKey(publicKeyOf(impostor)));
    const without = authorityPolicy.sign(
      {
        ...samplePolicyClaims,
        operators: samplePolicyClaims.operators.map((o) =>
          o.id === 'mailto:sam@example.org' ? { ...o, keys: [otherKey] } : o,
        ),
      },
      SAMPLE_KEYS.authority,
    );
    const stranger = await openGuard({ policy: without });
    await expect(stranger.guard.receive(bytes)).rejects.toMatchObject({ code: 'ERR_COSE_BAD_SIGNATURE' });
    // A guard whose clock is past the signal's exp refuses it as expired.
    const late = await openGuard({ clock: fixedClock((NOW + 3600) * 1000) });
    await expect(late.guard.receive(bytes)).rejects.toMatchObject({ code: 'ERR_CLAIMS_EXPIRED' });
  });
});

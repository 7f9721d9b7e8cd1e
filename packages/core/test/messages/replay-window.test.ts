import {
  type AnyErrorCode,
  defineMessageType,
  ect,
  fixedClock,
  MemoryReplayCache,
  publicKeyOf,
} from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ectClaims, NOW_S, testKey } from './fixtures.js';

const key = testKey('Ed25519');
const pub = publicKeyOf(key);
const at = (seconds: number) => fixedClock((NOW_S + seconds) * 1000);

function codeOf(result: { ok: boolean; error?: { code: AnyErrorCode } }): AnyErrorCode | 'ok' {
  return result.ok ? 'ok' : result.error!.code;
}

/** A message type without `exp`, as several drafts define them; `iat` optional to test its absence too. */
const note = defineMessageType<{ iss: string; iat?: number; jti: string }>({
  name: 'note',
  description: 'test type without exp',
  typ: 'application/note+cwt',
  schema: z.object({ iss: z.string(), iat: z.number().int().optional(), jti: z.string() }).strict(),
  labels: { iss: 1, iat: 6, jti: 7 },
});

describe('the replay cache holds every jti for as long as its token can verify', () => {
  it('a token without exp issued skew ahead of the verifier is remembered until its last valid second', () => {
    const skew = 30;
    const window = 86_400;
    // Issued at the verifier's t0 + skew: still accepted at t0, and valid until iat + window + skew.
    const bytes = note.sign({ iss: 'spiffe://example.org/a', iat: NOW_S + skew, jti: 'ahead' }, key);
    const replay = new MemoryReplayCache();
    expect(codeOf(note.verify(bytes, { key: pub, clock: at(0), replay }))).toBe('ok');
    for (const t of [window + 1, window + skew + 1, window + 2 * skew]) {
      expect(codeOf(note.verify(bytes, { key: pub, clock: at(t), replay })), `at t0 + ${t}`).toBe('ERR_CLAIMS_REPLAY');
    }
    expect(codeOf(note.verify(bytes, { key: pub, clock: at(window + 2 * skew + 1), replay }))).toBe(
      'ERR_CLAIMS_IAT_TOO_OLD',
    );
  });

  it('with a configured maxAge, the same holds at its boundary', () => {
    const bytes = note.sign({ iss: 'spiffe://example.org/a', iat: NOW_S + 5, jti: 'ahead' }, key);
    const options = { key: pub, replay: new MemoryReplayCache(), maxAgeSeconds: 60, clockSkewSeconds: 5 };
    expect(codeOf(note.verify(bytes, { ...options, clock: at(0) }))).toBe('ok');
    expect(codeOf(note.verify(bytes, { ...options, clock: at(70) }))).toBe('ERR_CLAIMS_REPLAY');
    expect(codeOf(note.verify(bytes, { ...options, clock: at(71) }))).toBe('ERR_CLAIMS_IAT_TOO_OLD');
  });

  it('a token with neither exp nor iat could verify for ever, so a replay cache cannot protect it: refused', () => {
    const bytes = note.sign({ iss: 'spiffe://example.org/a', jti: 'timeless' }, key);
    expect(codeOf(note.verify(bytes, { key: pub, clock: at(0), replay: new MemoryReplayCache() }))).toBe(
      'ERR_CLAIMS_INVALID',
    );
    expect(codeOf(note.verify(bytes, { key: pub, clock: at(0) }))).toBe('ok');
  });

  it('no token verifies twice with one cache, whatever its times and the verification times (property)', () => {
    const skew = 30;
    fc.assert(
      fc.property(
        fc.integer({ min: -40, max: 40 }),
        fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
        fc.array(fc.integer({ min: -50, max: 400 }), { minLength: 2, maxLength: 8 }),
        (iatOffset, expOffset, maxAgeSeconds, times) => {
          const iat = NOW_S + iatOffset;
          const claims = ectClaims({ iat });
          const noExp = expOffset === undefined;
          const type = noExp ? note : ect;
          const bytes = noExp
            ? note.sign({ iss: claims.iss, iat, jti: claims.jti }, key)
            : ect.sign({ ...claims, exp: iat + expOffset }, key);
          const replay = new MemoryReplayCache();
          let accepted = 0;
          for (const t of [...times].sort((a, b) => a - b)) {
            const options = { key: pub, clock: at(t), replay, clockSkewSeconds: skew, maxAgeSeconds };
            if (type.verify(bytes, options).ok) accepted++;
          }
          expect(accepted).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 500 },
    );
  });
});

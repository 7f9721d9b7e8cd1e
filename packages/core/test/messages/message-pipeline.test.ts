import {
  type AnyErrorCode,
  decodeCbor,
  decodeSign1,
  defineMessageType,
  ect,
  encodeCbor,
  fixedClock,
  generateKey,
  HEADER,
  keySet,
  MemoryReplayCache,
  publicKeyOf,
  seededRandom,
  signSign1,
  Tagged,
  toHex,
  utf8,
} from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resultCode } from '../../../../test-support/codes.js';
import { clock, ectClaims, NOW_S, testKey } from './fixtures.js';

const key = testKey('Ed25519');
const pub = publicKeyOf(key);
const otherKey = generateKey('Ed25519', seededRandom('another'));

/** The cache's answer, or 'full' when it refuses for want of room. */
function rememberOrFull(cache: MemoryReplayCache, jti: string, expiresAt: number, now: number): boolean | 'full' {
  try {
    return cache.remember(jti, expiresAt, now);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_CLAIMS_REPLAY_CACHE_FULL') return 'full';
    throw e;
  }
}

describe('ECT as a COSE message type', () => {
  it('signs and verifies with every curve, and the payload is the CWT claims map', () => {
    for (const curve of ['Ed25519', 'Ed448', 'P-256', 'P-384', 'P-521'] as const) {
      const k = testKey(curve);
      const bytes = ect.sign(ectClaims(), k);
      const result = ect.verify(bytes, { key: publicKeyOf(k), clock });
      expect(resultCode(result)).toBe('ok');
      if (result.ok) expect(result.claims).toEqual(ectClaims());
    }
    // The CBOR form, read independently of the message type: registered claims on CWT labels, jti as cti bytes.
    const payload = decodeCbor(decodeSign1(ect.sign(ectClaims(), key)).payload!) as Map<unknown, unknown>;
    expect(payload.get(1)).toBe('spiffe://example.org/agent/inventory');
    expect(payload.get(6)).toBe(NOW_S);
    expect(toHex(payload.get(7) as Uint8Array)).toBe(toHex(utf8('4f1c1e0a-9a53-4d39-8d5e-7c1b8b1f3e21')));
    expect((payload.get('inp_hash') as Uint8Array).length).toBe(32);
    expect(payload.get('exec_act')).toBe('inventory.reserve');
  });

  it('puts alg, typ and kid in the protected header', () => {
    const decoded = decodeSign1(ect.sign(ectClaims(), key));
    expect(decoded.protectedHeader.get(HEADER.alg)).toBe(-8);
    expect(decoded.protectedHeader.get(HEADER.typ)).toBe('application/exec+cwt');
    expect(decoded.protectedHeader.get(HEADER.kid)).toEqual(utf8('key-Ed25519'));
    expect(decoded.unprotectedHeader.size).toBe(0);
  });

  it('refuses invalid claims at signing time', () => {
    expect(() => ect.sign({ ...ectClaims(), exec_act: '' }, key)).toThrow(
      expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }),
    );
    expect(() => ect.sign({ ...ectClaims(), par: [] } as never, key)).toThrow(
      expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }),
    );
    // Verification refuses a `__proto__` key inside an extension's values, so signing does too.
    for (const ext of ['{"a":{"__proto__":[]}}', '{"a":[{"b":{"__proto__":null}}]}']) {
      expect(() => ect.sign(ectClaims({ ect_ext: JSON.parse(ext) }), key)).toThrow(
        expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }),
      );
    }
  });

  const cases: [string, () => Uint8Array, AnyErrorCode, Record<string, unknown>?][] = [
    ['expired', () => ect.sign(ectClaims({ iat: NOW_S - 1000, exp: NOW_S - 31 }), key), 'ERR_CLAIMS_EXPIRED'],
    ['not yet valid', () => ect.sign(ectClaims({ nbf: NOW_S + 31 }), key), 'ERR_CLAIMS_NOT_YET_VALID'],
    [
      'issued in the future',
      () => ect.sign(ectClaims({ iat: NOW_S + 31, exp: NOW_S + 600 }), key),
      'ERR_CLAIMS_IAT_FUTURE',
    ],
    [
      'too old',
      () => ect.sign(ectClaims({ iat: NOW_S - 1000, exp: NOW_S + 600 }), key),
      'ERR_CLAIMS_IAT_TOO_OLD',
      { maxAgeSeconds: 900 },
    ],
    [
      'wrong audience',
      () => ect.sign(ectClaims(), key),
      'ERR_CLAIMS_AUDIENCE',
      { audience: 'spiffe://example.org/agent/payment' },
    ],
    [
      'wrong issuer',
      () => ect.sign(ectClaims(), key),
      'ERR_CLAIMS_ISSUER',
      { issuer: 'spiffe://example.org/agent/other' },
    ],
    ['wrong key', () => ect.sign(ectClaims(), testKey('P-256')), 'ERR_KEY_ALG_MISMATCH'],
    ['another Ed25519 key', () => ect.sign(ectClaims(), otherKey), 'ERR_COSE_BAD_SIGNATURE'],
    [
      'alg only in the unprotected header',
      () => moveAlgToUnprotected(ect.sign(ectClaims(), key)),
      'ERR_COSE_ALG_NOT_PROTECTED',
    ],
    ['typ missing', () => signSign1(encodeCbor(ect.toCbor(ectClaims())), key), 'ERR_COSE_TYP_MISSING'],
    [
      'typ of another type',
      () => signSign1(encodeCbor(ect.toCbor(ectClaims())), key, { protectedHeader: { typ: 'application/cwt' } }),
      'ERR_COSE_TYP_MISMATCH',
    ],
    [
      'unknown claim label',
      () => signSign1(encodeCbor(new Map([[99, 1]])), key, { protectedHeader: { typ: ect.typ } }),
      'ERR_CLAIMS_INVALID',
    ],
    [
      'claims not a map',
      () => signSign1(encodeCbor([1, 2]), key, { protectedHeader: { typ: ect.typ } }),
      'ERR_CLAIMS_INVALID',
    ],
    [
      'payload not CBOR',
      () => signSign1(new Uint8Array([0xff]), key, { protectedHeader: { typ: ect.typ } }),
      'ERR_CBOR_MALFORMED',
    ],
    ['wrong tag', () => retag(ect.sign(ectClaims(), key), 98), 'ERR_COSE_WRONG_TAG'],
    ['tampered payload', () => tamperPayload(ect.sign(ectClaims(), key)), 'ERR_COSE_BAD_SIGNATURE'],
    ['truncated', () => ect.sign(ectClaims(), key).subarray(0, 40), 'ERR_CBOR_TRUNCATED'],
    [
      'crit names an unknown label',
      () =>
        signSign1(encodeCbor(ect.toCbor(ectClaims())), key, {
          protectedHeader: { typ: ect.typ, crit: [99], other: new Map([[99, 1]]) },
        }),
      'ERR_COSE_CRIT_UNSUPPORTED',
    ],
  ];
  for (const [name, make, code, extra] of cases) {
    it(`refuses: ${name} → ${code}`, () => {
      expect(resultCode(ect.verify(make(), { key: pub, clock, ...extra }))).toBe(code);
    });
  }

  it('fails closed on a broken clock, skew or maximum age: an expired token is never let through', () => {
    const expired = ect.sign(ectClaims({ iat: NOW_S - 100_000, exp: NOW_S - 50_000 }), key);
    const broken: Record<string, unknown>[] = [
      { clock: { now: () => Number.NaN } },
      { clock: { now: () => Number.POSITIVE_INFINITY } },
      { clock: { now: () => -1 } },
      { clock: { now: () => String(NOW_S * 1000) } },
      { clock: {} },
      { clock, clockSkewSeconds: Number.NaN },
      { clock, clockSkewSeconds: Number.POSITIVE_INFINITY },
      { clock, clockSkewSeconds: -5 },
      { clock, maxAgeSeconds: Number.NaN },
    ];
    for (const options of broken) {
      expect(resultCode(ect.verify(expired, { key: pub, ...options }))).toBe('ERR_INPUT_INVALID');
      expect(resultCode(ect.verify(ect.sign(ectClaims(), key), { key: pub, ...options }))).toBe('ERR_INPUT_INVALID');
    }
    expect(resultCode(ect.verify(expired, { key: pub, clock, clockSkewSeconds: 0 }))).toBe('ERR_CLAIMS_EXPIRED');
  });

  it('detects replays through the cache, and remembers until expiry', () => {
    const replay = new MemoryReplayCache();
    const bytes = ect.sign(ectClaims(), key);
    expect(resultCode(ect.verify(bytes, { key: pub, clock, replay }))).toBe('ok');
    expect(resultCode(ect.verify(bytes, { key: pub, clock, replay }))).toBe('ERR_CLAIMS_REPLAY');
    const other = ect.sign(ectClaims({ jti: 'another' }), key);
    expect(resultCode(ect.verify(other, { key: pub, clock, replay }))).toBe('ok');
  });

  it('holds a message without exp to the replay window when a replay cache is used, so no replay outlives it', () => {
    const note = defineMessageType<{ iss: string; iat: number; jti: string }>({
      name: 'note',
      description: 'test type without exp',
      typ: 'application/note+cwt',
      schema: z.object({ iss: z.string(), iat: z.number().int(), jti: z.string() }).strict(),
      labels: { iss: 1, iat: 6, jti: 7 },
    });
    const bytes = note.sign({ iss: 'spiffe://example.org/a', iat: NOW_S, jti: 'n-1' }, key);
    const replay = new MemoryReplayCache();
    const at = (seconds: number) => fixedClock((NOW_S + seconds) * 1000);
    expect(resultCode(note.verify(bytes, { key: pub, clock: at(0), replay }))).toBe('ok');
    expect(resultCode(note.verify(bytes, { key: pub, clock: at(86_400 + 30), replay }))).toBe('ERR_CLAIMS_REPLAY');
    // One second later the cache may have forgotten the id, and the message is refused as too old instead.
    expect(resultCode(note.verify(bytes, { key: pub, clock: at(86_400 + 31), replay }))).toBe('ERR_CLAIMS_IAT_TOO_OLD');
    expect(
      resultCode(
        note.verify(bytes, { key: pub, clock: at(3_600 + 31), replay: new MemoryReplayCache(), maxAgeSeconds: 3_600 }),
      ),
    ).toBe('ERR_CLAIMS_IAT_TOO_OLD');
    // Without a replay cache nothing needs remembering, and an old message is judged by the caller's own rules.
    expect(resultCode(note.verify(bytes, { key: pub, clock: at(10 * 86_400) }))).toBe('ok');
  });

  it('a replay cache bound must be a whole number ≥ 1: with NaN the bound would be off', () => {
    for (const maxEntries of [Number.NaN, 0, -1, 1.5, Number.POSITIVE_INFINITY, '3']) {
      expect(() => new MemoryReplayCache({ maxEntries: maxEntries as number })).toThrow(
        expect.objectContaining({ code: 'ERR_INPUT_INVALID' }),
      );
    }
  });

  it('a bounded replay cache refuses new ids rather than forgetting live ones', () => {
    const replay = new MemoryReplayCache({ maxEntries: 1 });
    expect(replay.remember('a', NOW_S + 100, NOW_S)).toBe(true);
    expect(() => replay.remember('b', NOW_S + 100, NOW_S)).toThrow(
      expect.objectContaining({ code: 'ERR_CLAIMS_REPLAY_CACHE_FULL' }),
    );
    expect(replay.remember('a', NOW_S + 100, NOW_S)).toBe(false);
    expect(replay.remember('b', NOW_S + 300, NOW_S + 200)).toBe(true); // 'a' expired and was swept
  });

  it('a bounded replay cache answers as a naive model that sweeps on every refusal does (property)', () => {
    const op = fc.record({
      jti: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      ttl: fc.integer({ min: 0, max: 50 }),
      dt: fc.integer({ min: -5, max: 20 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (maxEntries, ops) => {
        const cache = new MemoryReplayCache({ maxEntries });
        const model = new Map<string, number>();
        let now = NOW_S;
        for (const { jti, ttl, dt } of ops) {
          now += dt;
          let expected: boolean | 'full';
          const until = model.get(jti);
          if (until !== undefined && until >= now) expected = false;
          else {
            if (model.size >= maxEntries) for (const [k, u] of model) if (u < now) model.delete(k);
            expected = model.size < maxEntries || 'full';
            if (expected === true) {
              model.delete(jti);
              model.set(jti, now + ttl);
            }
          }
          expect(rememberOrFull(cache, jti, now + ttl, now)).toBe(expected);
          expect(cache.size).toBe(model.size);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds keys through a resolver by kid, and refuses unknown kids', () => {
    const resolver = keySet([{ key: pub }]);
    expect(resultCode(ect.verify(ect.sign(ectClaims(), key), { key: resolver, clock }))).toBe('ok');
    const stranger = { ...testKey('Ed25519'), kid: utf8('nobody') };
    expect(resultCode(ect.verify(ect.sign(ectClaims(), stranger), { key: resolver, clock }))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('binds keys to issuers: a key may only sign for the issuers it is trusted for', () => {
    const resolver = keySet([{ key: pub, issuers: ['spiffe://example.org/agent/inventory'] }]);
    expect(resultCode(ect.verify(ect.sign(ectClaims(), key), { key: resolver, clock }))).toBe('ok');
    const impersonation = ect.sign(ectClaims({ iss: 'spiffe://example.org/agent/payment' }), key);
    expect(resultCode(ect.verify(impersonation, { key: resolver, clock }))).toBe('ERR_KEY_UNTRUSTED');
  });

  it('round-trips arbitrary valid claims (property)', () => {
    const claims = fc.record({
      iss: fc.string({ minLength: 1, maxLength: 40 }),
      aud: fc.oneof(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }),
      ),
      jti: fc.string({ minLength: 1, maxLength: 64 }),
      wid: fc.string({ minLength: 1, maxLength: 64 }),
      exec_act: fc.string({ minLength: 1, maxLength: 64 }),
      pred: fc.array(fc.string({ minLength: 1, maxLength: 36 }), { maxLength: 5 }),
      // Valid claims: no `__proto__` key at any depth (refused both ways, tested above).
      ect_ext: fc.option(
        fc
          .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))
          .filter((e) => !JSON.stringify(e).includes('"__proto__"')),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(claims, (c) => {
        const full = { ...c, iat: NOW_S, exp: NOW_S + 60, ...(c.ect_ext === undefined ? { ect_ext: undefined } : {}) };
        if (full.ect_ext === undefined) delete (full as { ect_ext?: unknown }).ect_ext;
        const normalised = JSON.parse(JSON.stringify(full)); // -0 and the like have one JSON form
        const result = ect.verify(ect.sign(normalised, key), { key: pub, clock });
        expect(resultCode(result)).toBe('ok');
        if (result.ok) expect(result.claims).toEqual(normalised);
      }),
      { numRuns: 200 },
    );
  });

  it('mutated messages only ever give typed errors (property)', () => {
    const valid = ect.sign(ectClaims(), key);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), (i, b) => {
        const bytes = valid.slice();
        bytes[i] = b;
        const result = ect.verify(bytes, { key: pub, clock });
        if (bytes[i] !== valid[i]) expect(result.ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(ect.verify(bytes, { key: pub, clock }).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

function retag(bytes: Uint8Array, tag: number): Uint8Array {
  const t = decodeCbor(bytes) as Tagged;
  return encodeCbor(new Tagged(tag, t.value));
}

function tamperPayload(bytes: Uint8Array): Uint8Array {
  const t = decodeCbor(bytes) as Tagged;
  const items = [...(t.value as unknown[])] as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
  const claims = decodeCbor(items[2]) as Map<unknown, unknown>;
  claims.set('exec_act', 'inventory.release');
  items[2] = encodeCbor(claims as never);
  return encodeCbor(new Tagged(18, items as never));
}

function moveAlgToUnprotected(bytes: Uint8Array): Uint8Array {
  const t = decodeCbor(bytes) as Tagged;
  const items = [...(t.value as unknown[])] as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
  const prot = decodeCbor(items[0]) as Map<number, unknown>;
  const alg = prot.get(1);
  prot.delete(1);
  items[0] = encodeCbor(prot as never);
  items[1] = new Map([[1, alg]]);
  return encodeCbor(new Tagged(18, items as never));
}

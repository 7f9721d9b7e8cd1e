import {
  coseKeyThumbprint,
  decodeSign1,
  defineMessageType,
  type EctClaims,
  ect,
  ectHash,
  encodeCbor,
  isSafetyNetError,
  signSign1,
  toHex,
  utf8,
} from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scratchBytes } from '../../src/util/scratch.js';
import { ectClaims, testKey } from './fixtures.js';

/** Non-empty text of up to `max` units: ASCII, any code points, or graphemes. */
const text = (max: number) =>
  fc.oneof(
    fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: max }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: max }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }),
  );

/** ECT claims of every shape the schema allows. */
const validClaims: fc.Arbitrary<EctClaims> = fc.record(
  {
    iss: text(80),
    aud: fc.oneof(text(40), fc.array(text(20), { minLength: 1, maxLength: 3 })),
    iat: fc.oneof(fc.nat(), fc.maxSafeNat()),
    exp: fc.nat(),
    nbf: fc.nat(),
    jti: text(300),
    wid: text(40),
    exec_act: text(40),
    pred: fc.array(text(40), { maxLength: 4 }),
    inp_hash: fc.string().map(ectHash),
    out_hash: fc.string().map(ectHash),
    ect_ext: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['iss', 'aud', 'iat', 'exp', 'jti', 'wid', 'exec_act', 'pred'] },
);

/** Ways to break claims that the schema refuses, or that it accepts but CBOR cannot carry. */
const breakage: fc.Arbitrary<Record<string, unknown>> = fc.constantFrom(
  { iss: 'lone \ud800 surrogate' },
  { jti: 'x'.repeat(257) },
  { iat: -1 },
  { exp: 1.5 },
  { unknown_claim: 1 },
  { ect_ext: { f: () => 1 } },
  { ect_ext: { big: 10n } },
  { pred: ['a', ''] },
);

/** Mostly valid claims, a fifth of them broken one way or another (for the failure parity). */
const claimsArb: fc.Arbitrary<EctClaims> = fc
  .tuple(validClaims, fc.option(breakage, { freq: 4 }))
  .map(([claims, broken]) => ({ ...claims, ...broken }) as EctClaims);

/** The result of `f`: its bytes as hex, or the code of the typed error it threw. */
function outcome(f: () => Uint8Array): string {
  try {
    return toHex(f());
  } catch (e) {
    if (isSafetyNetError(e)) return e.code;
    throw e;
  }
}

const key = testKey('Ed25519');

describe('MessageType.sign', () => {
  // Signing writes the claims straight from the type's label layout; the general encoder of the claims map and
  // signSign1 over its bytes are the reference. Ed25519 is deterministic, so whole messages must match.
  it('equals signSign1 over the generally encoded claims map, or fails alike (property)', () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(
        claimsArb,
        fc.constantFrom<'own' | 'thumbprint' | 'none'>('own', 'thumbprint', 'none'),
        fc.option(fc.uint8Array({ maxLength: 20 }), { nil: undefined }),
        fc.boolean(),
        fc.boolean(),
        (claims, kidChoice, externalAad, detached, withUnprotected) => {
          const signer = kidChoice === 'none' ? { ...key, kid: undefined } : key;
          const unprotectedHeader = withUnprotected ? { contentType: 'application/cbor' } : undefined;
          const options = { externalAad, detached, unprotectedHeader };
          const fast = outcome(() =>
            ect.sign(claims, signer, { ...options, kid: kidChoice === 'thumbprint' ? 'thumbprint' : undefined }),
          );
          const reference = outcome(() => {
            const payload = encodeCbor(ect.toCbor(ect.parse(claims)));
            const kid = kidChoice === 'thumbprint' ? coseKeyThumbprint(signer) : signer.kid;
            return signSign1(payload, signer, {
              ...options,
              protectedHeader: kid ? { typ: ect.typ, kid } : { typ: ect.typ },
            });
          });
          expect(fast).toBe(reference);
          outcomes.add(fast.length > 40 ? 'signed' : fast);
        },
      ),
      { numRuns: 300 },
    );
    // Both kinds of failure were met, not only successes.
    expect([...outcomes].sort()).toEqual(['ERR_CBOR_UNSUPPORTED', 'ERR_CLAIMS_INVALID', 'signed']);
  });

  it('carries the claims payload the general encoder produces', () => {
    const claims = ectClaims({ jti: 'täsk-ü', ect_ext: { pol_decision: 'approved', n: [1, 2.5, null] } });
    const payload = decodeSign1(ect.sign(claims, key)).payload!;
    expect(toHex(payload)).toBe(toHex(encodeCbor(ect.toCbor(ect.parse(claims)))));
  });

  it('refuses a claim that has no CBOR label, even when the schema lets it through', () => {
    const loose = defineMessageType<{ a: string }>({
      name: 'loose',
      description: 'test type whose schema keeps unknown keys',
      typ: 'application/loose+cwt',
      schema: z.looseObject({ a: z.string() }) as unknown as z.ZodType<{ a: string }>,
      labels: { a: 1 },
    });
    expect(() => loose.sign({ a: 'x', b: 1 } as { a: string }, key)).toThrow(
      expect.objectContaining({
        code: 'ERR_CLAIMS_INVALID',
        message: expect.stringContaining('no CBOR label for claim b'),
      }),
    );
    expect(decodeSign1(loose.sign({ a: 'x' }, key)).payload).toEqual(encodeCbor(new Map([[1, 'x']])));
  });

  it('puts the current kid in the header when the caller changed the kid bytes in place', () => {
    const kid = utf8('kid-1');
    const signer = { ...key, kid };
    const first = decodeSign1(ect.sign(ectClaims(), signer)).protectedHeader.get(4);
    kid[4] = '2'.charCodeAt(0);
    const second = decodeSign1(ect.sign(ectClaims(), signer)).protectedHeader.get(4);
    expect(first).toEqual(utf8('kid-1'));
    expect(second).toEqual(utf8('kid-2'));
  });

  it('keeps untyped header parameters on the general path: no crash, same bytes as before', () => {
    const payload = utf8('p');
    for (const protectedHeader of [{ kid: 5 }, { typ: { toString: () => 'x' } }, { kid: 'text' }] as never[]) {
      const once = outcome(() => signSign1(payload, key, { protectedHeader }));
      expect(outcome(() => signSign1(payload, key, { protectedHeader }))).toBe(once);
      expect(once).toMatch(/^(d2|ERR_)/);
    }
  });
});

describe('scratchBytes', () => {
  it('hands out zeroed regions that never overlap, and large ones of their own', () => {
    const regions = Array.from({ length: 200 }, (_, i) => scratchBytes(1 + (i % 300)));
    regions.forEach((r, i) => {
      expect(r.length).toBe(1 + (i % 300));
      expect(r.every((b) => b === 0)).toBe(true);
      r.fill(i % 256 || 1);
    });
    for (const [i, r] of regions.entries()) expect(r.every((b) => b === (i % 256 || 1))).toBe(true);
    const large = scratchBytes(100_000);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBe(100_000);
  });
});

import {
  cborHead,
  decodeSign1,
  encodeCbor,
  generateKey,
  seededRandom,
  sign1ToBeSigned,
  signSign1,
  signToBeSigned,
  Tagged,
  toHex,
} from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// The Sig_structures are assembled from parts for speed; the general deterministic encoder is the reference.
describe('Sig_structure assembly', () => {
  it('equals the general encoder for every size class (property)', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 30 }),
      fc.uint8Array({ minLength: 250, maxLength: 300 }),
      fc.uint8Array({ minLength: 65_540, maxLength: 65_600 }),
    );
    fc.assert(
      fc.property(bytes, bytes, bytes, bytes, (p, s, aad, payload) => {
        expect(toHex(sign1ToBeSigned(p, payload, aad))).toBe(toHex(encodeCbor(['Signature1', p, aad, payload])));
        expect(toHex(signToBeSigned(p, s, payload, aad))).toBe(toHex(encodeCbor(['Signature', p, s, aad, payload])));
      }),
      { numRuns: 60 },
    );
  });

  it('writes shortest heads at each boundary', () => {
    for (const n of [0, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      expect(toHex(cborHead(0, n))).toBe(toHex(encodeCbor(n)));
    }
  });
});

describe('COSE_Sign1 assembly', () => {
  it('signSign1 output equals the general encoder applied to its parts (property)', () => {
    const key = generateKey('Ed25519', seededRandom('assembly'));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 30 }), { nil: undefined }),
        (payload, tagged, detached, kid) => {
          const bytes = signSign1(payload, key, {
            tagged,
            detached,
            protectedHeader: { typ: 'application/example' },
            unprotectedHeader: kid ? { kid } : undefined,
          });
          const d = decodeSign1(bytes);
          const body = [d.protectedBytes, new Map(kid ? [[4, kid]] : []), detached ? null : payload, d.signature];
          expect(toHex(bytes)).toBe(toHex(encodeCbor((tagged ? new Tagged(18, body as never) : body) as never)));
          expect(d.tagged).toBe(tagged);
        },
      ),
      { numRuns: 100 },
    );
  });
});

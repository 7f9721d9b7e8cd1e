import { Decoder, Encoder, Tag } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CborFloat,
  type CborValue,
  cborEquals,
  type DecodeOptions,
  decodeCbor,
  encodeCbor,
  Simple,
  Tagged,
} from '../../src/cbor/index.js';
import { isSafetyNetError } from '../../src/errors/index.js';
import { bytesEqual, toHex } from '../../src/util/bytes.js';
import { cborValue } from './arbitraries.js';

// Property tests: round trips, canonical form, hostile bytes, and agreement with cbor-x as a second decoder.

const cborX = new Decoder({ mapsAsObjects: false, useRecords: false });

/** Decodes, turning only Safety Net CBOR errors into their code; anything else fails the property. */
function outcome(bytes: Uint8Array, options?: DecodeOptions): { value: CborValue } | { code: string } {
  try {
    return { value: decodeCbor(bytes, options) };
  } catch (e) {
    if (isSafetyNetError(e) && e.code.startsWith('ERR_CBOR_')) return { code: e.code };
    throw e;
  }
}

const options: fc.Arbitrary<DecodeOptions> = fc.record(
  {
    maxDepth: fc.integer({ min: 0, max: 40 }),
    maxItems: fc.integer({ min: 0, max: 100 }),
    allowIndefinite: fc.boolean(),
    allowNonShortest: fc.boolean(),
    requireSortedKeys: fc.boolean(),
  },
  { requiredKeys: [] },
);

const MERGED_KEYS = new Error('cbor-x merged map keys');

function bignum(t: Tagged | Tag): bigint | undefined {
  if ((t.tag !== 2 && t.tag !== 3) || !(t.value instanceof Uint8Array)) return undefined;
  const n = t.value.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  return t.tag === 2 ? n : -1n - n;
}

/**
 * Whether our decoded value and cbor-x's describe the same item. Written against cbor-x's representation (numbers
 * for floats, bigint for 64-bit and bignum integers, Tag for tags), independently of `cborEquals`.
 */
function sameAsCborX(ours: CborValue, theirs: unknown): boolean {
  if (ours instanceof CborFloat) return typeof theirs === 'number' && Object.is(ours.value, theirs);
  if (typeof ours === 'number' || typeof ours === 'bigint') {
    if (typeof theirs === 'number') return Object.is(ours, theirs);
    return typeof theirs === 'bigint' && BigInt(ours) === theirs;
  }
  if (ours instanceof Tagged) {
    if (typeof theirs === 'bigint') return bignum(ours) === theirs;
    return theirs instanceof Tag && BigInt(theirs.tag) === BigInt(ours.tag) && sameAsCborX(ours.value, theirs.value);
  }
  if (ours instanceof Uint8Array) return theirs instanceof Uint8Array && bytesEqual(ours, theirs);
  if (Array.isArray(ours)) {
    return Array.isArray(theirs) && ours.length === theirs.length && ours.every((v, i) => sameAsCborX(v, theirs[i]));
  }
  if (ours instanceof Map) {
    if (!(theirs instanceof Map)) return false;
    // cbor-x returns both 0 and 0.0 as the number 0, so its Map merges such keys; ours keeps them apart.
    if (ours.size > theirs.size && [...theirs.keys()].some((k) => typeof k === 'number')) throw MERGED_KEYS;
    if (ours.size !== theirs.size) return false;
    const a = [...ours];
    const b = [...theirs];
    // Both decoders keep wire order.
    // A JavaScript Map stores the key -0 as +0, so cbor-x's map cannot hold the -0.0 key that ours keeps.
    const sameKey = (k: CborValue, theirs: unknown) =>
      k instanceof CborFloat && Object.is(k.value, -0) ? theirs === 0 : sameAsCborX(k, theirs);
    return a.every(([k, v], i) => sameKey(k, b[i]![0]) && sameAsCborX(v, b[i]![1]));
  }
  return ours === theirs;
}

describe('round trips', () => {
  it('encode → decode gives an equal value, and the encoding is canonical', () => {
    fc.assert(
      fc.property(cborValue(), (value) => {
        const bytes = encodeCbor(value);
        const decoded = decodeCbor(bytes, { requireSortedKeys: true });
        expect(cborEquals(decoded, value)).toBe(true);
        expect(toHex(encodeCbor(decoded))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('cbor-x, as a second decoder, reads our encodings as the same values', () => {
    fc.assert(
      fc.property(cborValue({ forCborX: true }), (value) => {
        const bytes = encodeCbor(value);
        expect(sameAsCborX(decodeCbor(bytes), cborX.decode(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('strictly accepted input is canonical: it re-encodes to the same bytes', () => {
    const mutated = fc
      .tuple(cborValue({ depth: 2 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }))
      .map(([value, edits]) => {
        const bytes = encodeCbor(value);
        for (const [at, byte] of edits) if (bytes.length > 0) bytes[at % bytes.length] = byte;
        return bytes;
      });
    fc.assert(
      fc.property(mutated, (bytes) => {
        const result = outcome(bytes, { requireSortedKeys: true });
        if ('value' in result) expect(toHex(encodeCbor(result.value))).toBe(toHex(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});

/** Our classes in cbor-x's forms, so that cbor-x writes tags and floats rather than objects. */
function toCborX(v: CborValue): unknown {
  if (v instanceof Tagged) return new Tag(toCborX(v.value), v.tag as number);
  if (v instanceof CborFloat) return v.value;
  if (Array.isArray(v)) return v.map(toCborX);
  if (v instanceof Map) return new Map([...v].map(([k, e]) => [toCborX(k), toCborX(e)]));
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Simple)) {
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, toCborX(e)]));
  }
  return v;
}

describe('cbor-x encodings (not deterministic) against our decoder', () => {
  const cborXEncoders = [
    new Encoder({ mapsAsObjects: false, useRecords: false, tagUint8Array: false }),
    new Encoder({ mapsAsObjects: false, useRecords: false, tagUint8Array: false, useFloat32: 1 }),
  ];
  it('agree with cbor-x when relaxed, and strict mode refuses only with CBOR codes', () => {
    fc.assert(
      fc.property(cborValue({ forCborX: true }), fc.constantFrom(...cborXEncoders), (value, encoder) => {
        let bytes: Uint8Array;
        try {
          bytes = encoder.encode(toCborX(value));
        } catch {
          return; // values cbor-x itself cannot encode
        }
        const relaxed = outcome(bytes, { allowIndefinite: true, allowNonShortest: true });
        if ('value' in relaxed) {
          let same: boolean;
          try {
            same = sameAsCborX(relaxed.value, cborX.decode(bytes));
          } catch (e) {
            if (e !== MERGED_KEYS) throw e;
            return;
          }
          expect(same).toBe(true);
        } else expect(['ERR_CBOR_DUPLICATE_KEY', 'ERR_CBOR_UNSUPPORTED']).toContain(relaxed.code);
        outcome(bytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile bytes only ever give ERR_CBOR_* errors', () => {
  it('random bytes under random options', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), options, (bytes, opts) => {
        outcome(bytes, opts);
      }),
      { numRuns: 1000 },
    );
  });

  it('random bytes behind a plausible head', () => {
    const heads = fc.constantFrom(0x5f, 0x7f, 0x9f, 0xbf, 0x9a, 0xba, 0xa3, 0xd8, 0xf8, 0xfb, 0x7b, 0xc2);
    fc.assert(
      fc.property(heads, fc.uint8Array({ maxLength: 40 }), options, (head, rest, opts) => {
        outcome(new Uint8Array([head, ...rest]), opts);
      }),
      { numRuns: 1000 },
    );
  });

  it('valid encodings with bytes flipped, inserted, deleted or cut off', () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(
        cborValue({ depth: 3 }),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        options,
        (value, edits, opts) => {
          let bytes = [...encodeCbor(value)];
          for (const e of edits) {
            const at = e.at % (bytes.length + 1);
            if (e.kind === 'set' && at < bytes.length) bytes[at] = e.byte;
            else if (e.kind === 'insert') bytes.splice(at, 0, e.byte);
            else if (e.kind === 'delete') bytes.splice(at, 1);
            else if (e.kind === 'cut') bytes = bytes.slice(0, at);
          }
          outcome(new Uint8Array(bytes), opts);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/**
 * The same data item held differently: integers as number/bigint/bignum tag, maps as Map/object, reordered. A float
 * -0 becomes the number -0, except as a map key: a JavaScript Map stores the key -0 as 0, another data item.
 */
function reshape(v: CborValue, asKey = false): CborValue {
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? BigInt(v) : new CborFloat(v);
  if (typeof v === 'bigint') {
    if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
    const limit = 1n << 64n;
    if (v < limit && v >= -limit) return v;
    const magnitude = v >= 0n ? v : -1n - v;
    const hex = magnitude.toString(16).padStart(Math.ceil(magnitude.toString(16).length / 2) * 2, '0');
    return new Tagged(
      v >= 0n ? 2 : 3,
      Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16)),
    );
  }
  if (v instanceof CborFloat) {
    const negativeZero = Object.is(v.value, -0);
    return (Number.isInteger(v.value) && !negativeZero) || (negativeZero && asKey) ? v : v.value;
  }
  if (v instanceof Tagged) return new Tagged(typeof v.tag === 'number' ? BigInt(v.tag) : v.tag, reshape(v.value));
  if (Array.isArray(v)) return v.map((e) => reshape(e));
  if (v instanceof Map) {
    const entries = [...v].reverse().map(([k, e]) => [reshape(k, true), reshape(e)] as [CborValue, CborValue]);
    if (entries.every(([k]) => typeof k === 'string' && k !== '__proto__')) {
      return Object.fromEntries(entries) as { [key: string]: CborValue };
    }
    return new Map(entries);
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Simple)) {
    return new Map(
      Object.entries(v)
        .reverse()
        .map(([k, e]) => [k, reshape(e)]),
    );
  }
  return v;
}

describe('cborEquals', () => {
  it('holds between differently held copies of one data item, and they encode the same', () => {
    fc.assert(
      fc.property(cborValue(), (value) => {
        const other = reshape(value);
        expect(cborEquals(value, other)).toBe(true);
        expect(cborEquals(other, value)).toBe(true);
        expect(toHex(encodeCbor(other))).toBe(toHex(encodeCbor(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with comparing encodings on unrelated values', () => {
    fc.assert(
      fc.property(cborValue({ depth: 3 }), cborValue({ depth: 3 }), (a, b) => {
        expect(cborEquals(a, a)).toBe(true);
        expect(cborEquals(a, b)).toBe(bytesEqual(encodeCbor(a), encodeCbor(b)));
      }),
      { numRuns: 500 },
    );
  });

  it('simple values survive a round trip', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 32, max: 255 })), (n) => {
        expect(decodeCbor(encodeCbor(new Simple(n)))).toStrictEqual(new Simple(n));
      }),
      { numRuns: 200 },
    );
  });
});

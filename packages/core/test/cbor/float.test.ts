import { Decoder } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborFloat, decodeCbor, encodeCbor } from '../../src/cbor/index.js';
import { isSafetyNetError } from '../../src/errors/index.js';

// Preferred float serialization checked against independent decoders: cbor-x's half-precision reader for all
// 65 536 half patterns, the platform's Float32Array/Float64Array for single and double.

const cborX = new Decoder({ mapsAsObjects: false, useRecords: false });
const halfOf = (bits: number) => cborX.decode(new Uint8Array([0xf9, bits >> 8, bits & 0xff])) as number;

/** Every non-NaN value a half float holds, mapped to its bits (from cbor-x). A Map key cannot be -0: use '-0'. */
const HALF_VALUES = new Map<number | string, number>();
const keyOf = (v: number) => (Object.is(v, -0) ? '-0' : v);
for (let bits = 0; bits < 0x10000; bits++) {
  const v = halfOf(bits);
  if (!Number.isNaN(v)) HALF_VALUES.set(keyOf(v), bits);
}
const halfBitsOf = (v: number) => HALF_VALUES.get(keyOf(v));

function single(v: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = 0xfa;
  new DataView(out.buffer).setFloat32(1, v);
  return out;
}

function double(v: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = 0xfb;
  new DataView(out.buffer).setFloat64(1, v);
  return out;
}

const numberOf = (v: unknown) => (v instanceof CborFloat ? v.value : v);
const refusal = (bytes: Uint8Array) => {
  try {
    decodeCbor(bytes);
    return 'ok';
  } catch (e) {
    return isSafetyNetError(e) ? e.code : 'other';
  }
};

describe('half precision, exhaustively', () => {
  // Loops collect the patterns that go wrong and assert once: 65 536 expect() calls would be slow.
  it('decodes every half pattern as cbor-x does; only f97e00 among the NaNs in strict mode', () => {
    const wrong: number[] = [];
    let nans = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      const bytes = new Uint8Array([0xf9, bits >> 8, bits & 0xff]);
      const expected = halfOf(bits);
      if (Number.isNaN(expected) && bits !== 0x7e00) {
        nans++;
        const ok =
          refusal(bytes) === 'ERR_CBOR_NON_SHORTEST' &&
          Number.isNaN(numberOf(decodeCbor(bytes, { allowNonShortest: true })));
        if (!ok) wrong.push(bits);
      } else if (!Object.is(numberOf(decodeCbor(bytes)), expected)) {
        wrong.push(bits);
      }
    }
    expect(wrong).toEqual([]);
    expect(nans).toBe(2 * 1023 - 1); // both signs, every non-zero mantissa, less the canonical 7e00
  });

  it('encodes every half value in two bytes, and refuses it written as a single or double', () => {
    expect(HALF_VALUES.size).toBe(0x10000 - 2 * 1023);
    const wrong: number[] = [];
    for (const [, bits] of HALF_VALUES) {
      const v = halfOf(bits);
      const out = encodeCbor(new CborFloat(v));
      const ok =
        out.length === 3 &&
        out[0] === 0xf9 &&
        out[1] === bits >> 8 &&
        out[2] === (bits & 0xff) &&
        refusal(single(v)) === 'ERR_CBOR_NON_SHORTEST' &&
        refusal(double(v)) === 'ERR_CBOR_NON_SHORTEST';
      if (!ok) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the shortest exact width for any double', () => {
  const expectedWidth = (v: number) =>
    Number.isNaN(v) || halfBitsOf(v) !== undefined ? 3 : Math.fround(v) === v ? 5 : 9;

  const check = (v: number) => {
    const out = encodeCbor(new CborFloat(v));
    expect(out.length).toBe(expectedWidth(v));
    const back = cborX.decode(out) as number;
    expect(Object.is(back, v) || (Number.isNaN(back) && Number.isNaN(v))).toBe(true);
    expect(Object.is(numberOf(decodeCbor(out)), v) || Number.isNaN(v)).toBe(true);
    if (out.length === 9) expect(refusal(double(v))).toBe('ok');
    if (out.length === 5) {
      expect(refusal(single(v))).toBe('ok');
      expect(refusal(double(v))).toBe('ERR_CBOR_NON_SHORTEST');
    }
  };

  it('for arbitrary doubles and singles', () => {
    fc.assert(fc.property(fc.oneof(fc.double(), fc.float().map(Math.fround)), check), { numRuns: 1000 });
  });

  it('at the edges of the half and single ranges', () => {
    const edges = [
      65504,
      65505,
      65520,
      2 ** -24,
      2 ** -25,
      3 * 2 ** -25,
      2 ** -14,
      2 ** -14 + 2 ** -24,
      2 ** 15,
      2 ** 16,
    ];
    const singles = [2 ** -126, 2 ** -149, 2 ** -150, 3.4028234663852886e38, 3.4028235677973366e38, 2 ** 128];
    for (const v of [...edges, ...singles]) {
      check(v);
      check(-v);
      check(v * (1 + 2 ** -52));
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  CborFloat,
  type CborValue,
  cborDiagnostic,
  cborEquals,
  decodeCbor,
  Simple,
  Tagged,
} from '../../src/cbor/index.js';
import { type AnyErrorCode, isSafetyNetError } from '../../src/errors/index.js';
import { fromHex } from '../../src/util/bytes.js';

// Diagnostic notation as RFC 8949 Appendix A prints it, and the equality rules of cborEquals.

function codeOf(f: () => unknown): AnyErrorCode | 'ok' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (isSafetyNetError(e)) return e.code;
    throw e;
  }
}

describe('cborDiagnostic', () => {
  it.each([
    ['00', '0'],
    ['3bffffffffffffffff', '-18446744073709551616'],
    ['c249010000000000000000', "2(h'010000000000000000')"],
    ['f90000', '0.0'],
    ['f98000', '-0.0'],
    ['f93c00', '1.0'],
    ['fb3ff199999999999a', '1.1'],
    ['fa47c35000', '100000.0'],
    ['fa7f7fffff', '3.4028234663852886e+38'],
    ['fb7e37e43c8800759c', '1.0e+300'],
    ['f90001', '5.960464477539063e-8'],
    ['f9c400', '-4.0'],
    ['f97c00', 'Infinity'],
    ['f97e00', 'NaN'],
    ['f9fc00', '-Infinity'],
    ['f4', 'false'],
    ['f6', 'null'],
    ['f7', 'undefined'],
    ['f0', 'simple(16)'],
    ['f8ff', 'simple(255)'],
    ['c11a514b67b0', '1(1363896240)'],
    ['c1fb41d452d9ec200000', '1(1363896240.5)'],
    ['d74401020304', "23(h'01020304')"],
    ['40', "h''"],
    ['62225c', '"\\"\\\\"'],
    ['63e6b0b4', '"水"'],
    ['8301820203820405', '[1, [2, 3], [4, 5]]'],
    ['a201020304', '{1: 2, 3: 4}'],
    ['826161a161626163', '["a", {"b": "c"}]'],
  ])('%s → %s', (hex, expected) => {
    expect(cborDiagnostic(decodeCbor(fromHex(hex)))).toBe(expected);
  });

  it('prints JS-held values the way their encoding reads', () => {
    expect(cborDiagnostic({ a: [1n, new CborFloat(2), -0, 1n << 64n] })).toBe(
      `{"a": [1, 2.0, -0.0, 2(h'010000000000000000')]}`,
    );
    expect(cborDiagnostic(new Tagged(2n ** 63n, new Simple(0)))).toBe('9223372036854775808(simple(0))');
  });

  it('refuses what has no CBOR form, and cycles', () => {
    expect(codeOf(() => cborDiagnostic(new Date(0) as unknown as CborValue))).toBe('ERR_CBOR_UNSUPPORTED');
    expect(codeOf(() => cborDiagnostic((() => 1) as unknown as CborValue))).toBe('ERR_CBOR_UNSUPPORTED');
    const cyclic: CborValue[] = [];
    cyclic.push(cyclic);
    expect(codeOf(() => cborDiagnostic(cyclic))).toBe('ERR_CBOR_TOO_DEEP');
  });
});

describe('cborEquals', () => {
  it.each([
    [1, 1n],
    [
      { a: 1, b: 2 },
      new Map<CborValue, CborValue>([
        ['b', 2],
        ['a', 1],
      ]),
    ],
    [Number.NaN, new CborFloat(Number.NaN)],
    [1.5, new CborFloat(1.5)],
    [1n << 64n, new Tagged(2, fromHex('010000000000000000'))],
    [-(1n << 64n) - 1n, new Tagged(3, fromHex('010000000000000000'))],
    [new Tagged(1, 0), new Tagged(1n, 0n)],
    [fromHex('0102'), Uint8Array.of(1, 2)],
    [
      [undefined, null, true],
      [undefined, null, true],
    ],
    [new Simple(7), new Simple(7)],
    [new Map([[[1], 'x']]), new Map([[[1n], 'x']])],
  ] as [CborValue, CborValue][])('%# equal', (a, b) => {
    expect(cborEquals(a, b)).toBe(true);
    expect(cborEquals(b, a)).toBe(true);
  });

  it.each([
    [1, new CborFloat(1)],
    [0, -0],
    [new CborFloat(0), new CborFloat(-0)],
    [1, '1'],
    [null, undefined],
    [false, 0],
    [
      [1, 2],
      [2, 1],
    ],
    [[1], [1, 1]],
    [{ a: 1 }, { a: 1, b: 1 }],
    [{ a: 1 }, { b: 1 }],
    [{ a: 1 }, [['a', 1]]],
    [new Map([[1, 2]]), new Map([[2, 1]])],
    [new Tagged(1, 0), new Tagged(2, 0)],
    [new Tagged(1, 0), 0],
    [fromHex('01'), [1]],
    [fromHex('01'), fromHex('0100')],
    [new Simple(7), new Simple(8)],
    [2 ** 64, 1n << 64n],
  ] as [CborValue, CborValue][])('%# differ', (a, b) => {
    expect(cborEquals(a, b)).toBe(false);
    expect(cborEquals(b, a)).toBe(false);
  });

  it('refuses what has no CBOR form, and cycles', () => {
    const date = new Date(0) as unknown as CborValue;
    const symbol = Symbol.iterator as unknown as CborValue;
    expect(codeOf(() => cborEquals(date, date))).toBe('ERR_CBOR_UNSUPPORTED');
    expect(codeOf(() => cborEquals(date, {}))).toBe('ERR_CBOR_UNSUPPORTED');
    expect(codeOf(() => cborEquals([symbol], [symbol]))).toBe('ERR_CBOR_UNSUPPORTED');
    const a: CborValue[] = [];
    a.push(a);
    const b: CborValue[] = [];
    b.push(b);
    expect(codeOf(() => cborEquals(a, b))).toBe('ERR_CBOR_TOO_DEEP');
  });
});

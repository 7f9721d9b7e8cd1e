import { Decoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { CborFloat, type CborValue, decodeCbor, encodeCbor, Simple, Tagged } from '../../src/cbor/index.js';
import { type AnyErrorCode, isSafetyNetError } from '../../src/errors/index.js';
import { toHex } from '../../src/util/bytes.js';

// Deterministic encoding (RFC 8949 §4.2.1). Expected bytes are RFC examples or worked out by hand; string
// contents are checked against the platform TextEncoder and cbor-x.

const hex = (v: CborValue) => toHex(encodeCbor(v));
const cborX = new Decoder({ mapsAsObjects: false, useRecords: false });

function codeOf(v: unknown): AnyErrorCode | 'ok' {
  try {
    encodeCbor(v as CborValue);
    return 'ok';
  } catch (e) {
    if (isSafetyNetError(e)) return e.code;
    throw e;
  }
}

describe('integers take the shortest head', () => {
  it.each([
    [0, '00'],
    [23, '17'],
    [24, '1818'],
    [255, '18ff'],
    [256, '190100'],
    [65_535, '19ffff'],
    [65_536, '1a00010000'],
    [4_294_967_295, '1affffffff'],
    [4_294_967_296, '1b0000000100000000'],
    [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
    [-1, '20'],
    [-24, '37'],
    [-25, '3818'],
    [-256, '38ff'],
    [-257, '390100'],
    [-4_294_967_297, '3b0000000100000000'],
    [Number.MIN_SAFE_INTEGER, '3b001ffffffffffffe'],
    [0n, '00'],
    [-1n, '20'],
    [(1n << 64n) - 1n, '1bffffffffffffffff'],
    [-(1n << 64n), '3bffffffffffffffff'],
    [1n << 64n, 'c249010000000000000000'],
    [-(1n << 64n) - 1n, 'c349010000000000000000'],
    [1n << 72n, `c24a01${'00'.repeat(9)}`],
  ] as [CborValue, string][])('%s', (value, expected) => {
    expect(hex(value)).toBe(expected);
  });
});

describe('numbers that are not safe integers become preferred floats', () => {
  it.each([
    [-0, 'f98000'],
    [1.5, 'f93e00'],
    [Number.NaN, 'f97e00'],
    [Number.POSITIVE_INFINITY, 'f97c00'],
    [Number.NEGATIVE_INFINITY, 'f9fc00'],
    [2 ** 53, 'fa5a000000'],
    [2 ** 64, 'fa5f800000'],
    [1.1, 'fb3ff199999999999a'],
    [1e300, 'fb7e37e43c8800759c'],
    [2 ** -24, 'f90001'],
    [-4.1, 'fbc010666666666666'],
    [new CborFloat(0), 'f90000'],
    [new CborFloat(1), 'f93c00'],
    [new CborFloat(65504), 'f97bff'],
    [new CborFloat(65505), 'fa477fe100'],
    [new CborFloat(100000), 'fa47c35000'],
    [new CborFloat(3.4028234663852886e38), 'fa7f7fffff'],
    [new CborFloat(Number.NaN), 'f97e00'],
    [new CborFloat(-0), 'f98000'],
  ] as [CborValue, string][])('%s', (value, expected) => {
    expect(hex(value)).toBe(expected);
  });
});

describe('strings, bytes and simple values', () => {
  it('text heads are shortest for every length around the head boundaries', () => {
    const lengths = [0, 1, 7, 8, 9, 22, 23, 24, 25, 64, 65, 85, 86, 255, 256, 257, 21_845, 21_846, 65_535, 65_536];
    for (const n of lengths) {
      for (const unit of ['a', 'ü', '水', '𐅑']) {
        const s = unit.repeat(Math.ceil(n / unit.length)).slice(0, n - (n % unit.length));
        const body = new TextEncoder().encode(s);
        const out = encodeCbor(s);
        const headLength = body.length < 24 ? 1 : body.length < 256 ? 2 : body.length < 65_536 ? 3 : 5;
        expect(out.length).toBe(headLength + body.length);
        expect(toHex(out.subarray(headLength))).toBe(toHex(body));
        expect(cborX.decode(out)).toBe(s);
      }
    }
  });

  it('byte strings and simple values', () => {
    expect(hex(new Uint8Array([1, 2, 3, 4]))).toBe('4401020304');
    expect(hex(Buffer.from([1]))).toBe('4101');
    expect(hex(new Uint8Array(24))).toBe(`5818${'00'.repeat(24)}`);
    expect(hex(false)).toBe('f4');
    expect(hex(true)).toBe('f5');
    expect(hex(null)).toBe('f6');
    expect(hex(undefined)).toBe('f7');
    expect(hex(new Simple(16))).toBe('f0');
    expect(hex(new Simple(0))).toBe('e0');
    expect(hex(new Simple(32))).toBe('f820');
    expect(hex(new Simple(255))).toBe('f8ff');
  });

  it('tags with number and bigint tag numbers', () => {
    expect(hex(new Tagged(1, 1363896240))).toBe('c11a514b67b0');
    expect(hex(new Tagged(24, new Uint8Array([0x64])))).toBe('d8184164');
    expect(hex(new Tagged(18, []))).toBe('d280');
    expect(hex(new Tagged(2n ** 64n - 1n, 0))).toBe('dbffffffffffffffff00');
    expect(hex(new Tagged(2 ** 32, 0))).toBe('db000000010000000000');
  });
});

describe('maps', () => {
  it('sorts keys bytewise by their encodings: the RFC 8949 §4.2.1 example order', () => {
    const keys: CborValue[] = [false, [-1], [100], 'aa', 'z', -1, 100, 10];
    const map = new Map(keys.map((k, i) => [k, i]));
    // 10, 100, -1, "z", "aa", [100], [-1], false
    expect(hex(map)).toBe('a8 0a07 186406 2005 617a04 62616103 81186402 812001 f400'.replaceAll(' ', ''));
  });

  it('encodes the same bytes for any insertion order, and plain objects like text-keyed Maps', () => {
    const a = hex(
      new Map<CborValue, CborValue>([
        ['b', 1],
        ['a', 2],
        [3, 4],
      ]),
    );
    const b = hex(
      new Map<CborValue, CborValue>([
        [3, 4],
        ['a', 2],
        ['b', 1],
      ]),
    );
    expect(a).toBe(b);
    expect(hex({ b: [2, 3], a: 1 })).toBe('a26161016162820203');
    expect(hex(Object.assign(Object.create(null), { a: 1 }))).toBe('a1616101');
    expect(
      hex(
        new Map<CborValue, CborValue>([
          ['b', [2, 3]],
          ['a', 1],
        ]),
      ),
    ).toBe('a26161016162820203');
  });

  it('sorts nested maps and long maps', () => {
    const inner = new Map<CborValue, CborValue>(Array.from({ length: 300 }, (_, i) => [299 - i, i]));
    const out = encodeCbor([inner, { z: inner }]);
    expect(() => decodeCbor(out, { requireSortedKeys: true })).not.toThrow();
  });

  it('refuses keys whose encodings collide', () => {
    expect(
      codeOf(
        new Map<CborValue, CborValue>([
          [1, 'a'],
          [1n, 'b'],
        ]),
      ),
    ).toBe('ERR_CBOR_DUPLICATE_KEY');
    expect(
      codeOf(
        new Map([
          [new CborFloat(1), 0],
          [new CborFloat(1), 1],
        ]),
      ),
    ).toBe('ERR_CBOR_DUPLICATE_KEY');
    expect(
      codeOf(
        new Map<CborValue, CborValue>([
          [1, 'a'],
          [0, 'x'],
          [1n, 'b'],
        ]),
      ),
    ).toBe('ERR_CBOR_DUPLICATE_KEY');
    expect(
      codeOf(
        new Map<CborValue, CborValue>([
          [2, 0],
          [Number.NaN, 0],
          [new CborFloat(Number.NaN), 1],
        ]),
      ),
    ).toBe('ERR_CBOR_DUPLICATE_KEY');
    expect(
      codeOf(
        new Map<CborValue, CborValue>([
          [{ a: 1 }, 0],
          [new Map([['a', 1]]), 1],
        ]),
      ),
    ).toBe('ERR_CBOR_DUPLICATE_KEY');
  });
});

describe('values outside the data model', () => {
  class Point {
    x = 1;
  }
  const sparse: CborValue[] = [];
  sparse[2] = 1;
  const symbolKeyed = { a: 1, [Symbol('s')]: 2 };
  it.each([
    ['function', () => 1],
    ['symbol', Symbol('x')],
    ['Date', new Date(0)],
    ['Set', new Set([1])],
    ['class instance', new Point()],
    ['Int16Array', new Int16Array(2)],
    ['ArrayBuffer', new ArrayBuffer(2)],
    ['DataView', new DataView(new ArrayBuffer(2))],
    ['sparse array', sparse],
    ['lone surrogate', 'a\ud800'],
    ['lone low surrogate', '\udc00a'],
    ['long string with a lone surrogate', `${'a'.repeat(100)}\ud800`],
    ['reversed surrogate pair', '\udc00\ud800'],
    ['symbol-keyed property', symbolKeyed],
    ['simple(20), which is false', new Simple(20)],
    ['simple(24)', new Simple(24)],
    ['simple(256)', new Simple(256)],
    ['simple(1.5)', new Simple(1.5)],
    ['negative tag', new Tagged(-1, 0)],
    ['tag beyond 64 bits', new Tagged(1n << 64n, 0)],
    ['fractional tag', new Tagged(1.5, 0)],
    ['CborFloat of a string', new CborFloat('1' as unknown as number)],
    ['nested function', { a: [() => 1] }],
  ])('%s', (_, value) => {
    expect(codeOf(value)).toBe('ERR_CBOR_UNSUPPORTED');
  });

  it('caps nesting at 64 levels, so cycles fail fast', () => {
    const nest = (n: number): CborValue => (n === 0 ? 0 : [nest(n - 1)]);
    expect(codeOf(nest(64))).toBe('ok');
    expect(codeOf(nest(65))).toBe('ERR_CBOR_TOO_DEEP');
    const cyclic: CborValue[] = [];
    cyclic.push(cyclic);
    expect(codeOf(cyclic)).toBe('ERR_CBOR_TOO_DEEP');
    const object: { [key: string]: CborValue } = {};
    object.self = object;
    expect(codeOf(object)).toBe('ERR_CBOR_TOO_DEEP');
    const loop = new Tagged(1, 0);
    (loop as { value: CborValue }).value = loop;
    expect(codeOf(loop)).toBe('ERR_CBOR_TOO_DEEP');
  });
});

describe('robustness', () => {
  it('a getter that encodes while the encoder runs gets a correct result', () => {
    const value = {
      get a() {
        return encodeCbor([1, 2, 3]);
      },
    } as unknown as CborValue;
    expect(hex(value)).toBe('a161614483010203');
    expect(hex([1, 2, 3])).toBe('83010203');
  });

  it('a large value grows the buffer and later small values still encode correctly', () => {
    const big = new Uint8Array(200_000).fill(7);
    const out = encodeCbor([big, 'x']);
    expect(out.length).toBe(1 + 5 + 200_000 + 2);
    expect((cborX.decode(out) as unknown[])[1]).toBe('x');
    expect(hex({ a: 1 })).toBe('a1616101');
  });

  it('text and bytes that end at the edge of the growing buffer', () => {
    for (let offset = 990; offset < 1030; offset++) {
      for (const tail of ['a', 'ab', 'ü', '𐅑', 'x'.repeat(30), new Uint8Array([1, 2, 3])]) {
        encodeCbor(new Uint8Array(70_000)); // a huge buffer is dropped afterwards: the next call starts small
        const value = [new Uint8Array(offset), tail];
        const back = cborX.decode(encodeCbor(value)) as [Uint8Array, unknown];
        expect(back[1]).toEqual(tail);
      }
    }
  });

  it('returns a fresh array each time', () => {
    const first = encodeCbor(1);
    encodeCbor(2);
    expect(toHex(first)).toBe('01');
    expect(first.buffer.byteLength).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import {
  CborFloat,
  type CborValue,
  type DecodeOptions,
  decodeCbor,
  encodeCbor,
  Simple,
  Tagged,
} from '../../src/cbor/index.js';
import { type AnyErrorCode, isSafetyNetError } from '../../src/errors/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

// Hand-written hostile inputs, one group per error code. Hex is spaced by data item for reading.

function codeOf(bytes: Uint8Array, options?: DecodeOptions): AnyErrorCode | 'ok' {
  try {
    decodeCbor(bytes, options);
    return 'ok';
  } catch (e) {
    if (isSafetyNetError(e)) return e.code;
    throw e;
  }
}

const hexCode = (hex: string, options?: DecodeOptions) => codeOf(fromHex(hex), options);
const lenient: DecodeOptions = { allowIndefinite: true, allowNonShortest: true };

function cases(title: string, code: AnyErrorCode, list: string[], options?: DecodeOptions): void {
  describe(title, () => {
    for (const hex of list) it(hex || '(empty)', () => expect(hexCode(hex, options)).toBe(code));
  });
}

const repeat = (hex: string, n: number) => hex.repeat(n);

cases('truncation', 'ERR_CBOR_TRUNCATED', [
  '',
  '18',
  '19 01',
  '1a 00 01 00',
  '1b 00 00 00 01 00 00 00',
  '38',
  '62 61',
  '83 01 02',
  'a1 01',
  'a2 01 02 03',
  'c1',
  'd8 20',
  'f8',
  'f9 00',
  'fa 00 00 00',
  'fb 00 00 00 00 00 00 00',
]);

cases('huge declared lengths in a short input are truncation, found before allocating', 'ERR_CBOR_TRUNCATED', [
  '5a ff ff ff ff 00 00 00 00 00', // 4 GiB byte string in 10 bytes
  '7a ff ff ff ff 61 61 61 61 61',
  '5b ff ff ff ff ff ff ff ff 00', // 2^64-1: allocating first would throw a RangeError instead
  '7b 00 00 00 01 00 00 00 00 00',
  '9b ff ff ff ff ff ff ff ff 00',
  'bb ff ff ff ff ff ff ff ff 00',
  '9a 00 01 00 00 00 00 00 00 00',
  'b9 ff ff 00 00',
  '81 5b 00 20 00 00 00 00 00 00 00',
  'a3 01 00 01 00', // three pairs need six bytes: refused before the duplicate key is read
]);

cases(
  'indefinite length needs a byte before the break',
  'ERR_CBOR_TRUNCATED',
  ['9f', '9f 01', 'bf 01 02', '5f', '5f 41 00', '7f 61 61'],
  {
    allowIndefinite: true,
  },
);

cases('trailing bytes', 'ERR_CBOR_TRAILING_BYTES', ['00 00', 'a0 00', '80 ff', '61 61 61', 'f6 f6']);

cases('indefinite length in strict mode', 'ERR_CBOR_INDEFINITE_LENGTH', [
  '5f ff',
  '7f ff',
  '9f ff',
  'bf ff',
  '5f 41 00 ff',
  '82 01 9f ff',
]);

cases('reserved additional information 28-30 and other malformations', 'ERR_CBOR_MALFORMED', [
  '1c',
  '1d',
  '1e',
  '3c',
  '5d',
  '7e',
  '9c',
  'bd',
  'de',
  'fc',
  'fd',
  'fe',
  '1f', // major 0 has no indefinite length
  '3f',
  'df',
  'ff', // break at the top
  '81 ff', // break inside a definite array
  'a1 ff 00',
  'a1 01 ff', // break where a map value belongs
  'f8 00', // two-byte simple values below 32
  'f8 13',
  'f8 14',
  'f8 17',
  'f8 18',
  'f8 1f',
]);

cases(
  'malformed indefinite-length items (when allowed)',
  'ERR_CBOR_MALFORMED',
  [
    '5f 61 61 ff', // text chunk inside a byte string
    '7f 41 00 ff',
    '5f 5f ff ff', // nested indefinite chunk
    '7f 7f ff ff',
    '5f 01 ff',
    'bf 01 ff', // break where a map value belongs
    'ff',
  ],
  { allowIndefinite: true },
);

cases('non-shortest integers, lengths and tags', 'ERR_CBOR_NON_SHORTEST', [
  '18 00',
  '18 17',
  '19 00 ff',
  '1a 00 00 ff ff',
  '1b 00 00 00 00 ff ff ff ff',
  '38 17',
  '39 00 01',
  '3b 00 00 00 00 00 00 00 00',
  '58 00',
  '59 00 01 00',
  '78 03 61 62 63',
  '98 01 00',
  'b8 00',
  'd8 01 00',
  'd9 00 18 00',
  'f9 7e 01', // NaN with a payload
  'f9 fe 00', // negative NaN
  'f9 7c 01',
  'fa 7f c0 00 00', // NaN as single
  'fb 7f f8 00 00 00 00 00 00',
  'fa 00 00 00 00', // 0.0 fits a half
  'fa 80 00 00 00', // -0.0
  'fa 3f 80 00 00', // 1.0
  'fa 7f 80 00 00', // Infinity
  'fa 33 80 00 00', // 2^-24, the smallest half subnormal
  'fb 3f f0 00 00 00 00 00 00', // 1.0 as double
  'fb 3f f8 00 00 00 00 00 00', // 1.5
  'fb 40 f8 6a 00 00 00 00 00', // 100000.0 fits a single
  'fb ff f0 00 00 00 00 00 00', // -Infinity
  'fb 80 00 00 00 00 00 00 00', // -0.0
  'fb 36 a0 00 00 00 00 00 00', // 2^-149, the smallest single subnormal
]);

describe('preferred floats are accepted', () => {
  it.each([
    ['f9 00 01', 2 ** -24],
    ['f9 03 ff', 1023 * 2 ** -24],
    ['f9 7b ff', new CborFloat(65504)],
    ['fa 33 00 00 00', 2 ** -25], // below the half range
    ['fa 47 7f e1 00', new CborFloat(65505)], // one past the largest half precision step
    ['fa 47 c3 50 00', new CborFloat(100000)],
    ['fb 3f f1 99 99 99 99 99 9a', 1.1],
    ['fb 36 90 00 00 00 00 00 00', 2 ** -150], // below the single range
    ['f9 7e 00', Number.NaN],
    ['f9 80 00', -0],
  ] as [string, CborValue][])('%s', (hex, expected) => {
    expect(decodeCbor(fromHex(hex))).toStrictEqual(expected);
  });

  it('relaxed mode reads non-preferred floats and NaN payloads', () => {
    expect(decodeCbor(fromHex('fb3ff0000000000000'), lenient)).toStrictEqual(new CborFloat(1));
    expect(decodeCbor(fromHex('fa3fc00000'), lenient)).toBe(1.5);
    expect(decodeCbor(fromHex('f97e01'), lenient)).toBeNaN();
    expect(decodeCbor(fromHex('1b0000000000000001'), lenient)).toBe(1);
    expect(decodeCbor(fromHex('5f42010243030405ff'), lenient)).toEqual(fromHex('0102030405'));
  });
});

describe('integers decode to number when safe, else bigint', () => {
  it.each([
    ['1b 00 1f ff ff ff ff ff ff', Number.MAX_SAFE_INTEGER],
    ['1b 00 20 00 00 00 00 00 00', 2n ** 53n],
    ['1b ff ff ff ff ff ff ff ff', 2n ** 64n - 1n],
    ['3b 00 1f ff ff ff ff ff fe', Number.MIN_SAFE_INTEGER],
    ['3b 00 1f ff ff ff ff ff ff', -(2n ** 53n)],
    ['3b ff ff ff ff ff ff ff ff', -(2n ** 64n)],
    ['db 00 1f ff ff ff ff ff ff 00', new Tagged(Number.MAX_SAFE_INTEGER, 0)],
    ['db 00 20 00 00 00 00 00 00 00', new Tagged(2n ** 53n, 0)],
  ] as [string, CborValue][])('%s', (hex, expected) => {
    expect(decodeCbor(fromHex(hex))).toStrictEqual(expected);
  });
});

describe('duplicate map keys', () => {
  it.each([
    ['int 1 vs 1', 'a2 01 00 01 01'],
    ['text "a" vs "a"', 'a2 61 61 00 61 61 01'],
    ['apart, in an unsorted map', 'a3 02 00 01 00 02 01'],
    ['bytes', 'a2 41 00 00 41 00 01'],
    ['arrays', 'a2 82 01 02 00 82 01 02 01'],
    ['maps, in different key order', 'a2 a2 01 00 02 00 00 a2 02 00 01 00 01'],
    ['tags', 'a2 c1 00 00 c1 00 01'],
    ['floats', 'a2 f9 3e 00 00 f9 3e 00 01'],
  ])('%s', (_, hex) => {
    expect(hexCode(hex)).toBe('ERR_CBOR_DUPLICATE_KEY');
    expect(hexCode(hex, lenient)).toBe('ERR_CBOR_DUPLICATE_KEY');
  });

  it('is judged on the deterministic encoding when relaxed forms are allowed', () => {
    expect(hexCode('a2 01 00 18 01 01', lenient)).toBe('ERR_CBOR_DUPLICATE_KEY');
    expect(hexCode('a2 61 61 00 7f 61 61 ff 01', lenient)).toBe('ERR_CBOR_DUPLICATE_KEY');
    expect(hexCode('a2 f9 3e 00 00 fb 3f f8 00 00 00 00 00 00 01', lenient)).toBe('ERR_CBOR_DUPLICATE_KEY');
    expect(hexCode('bf 01 00 01 01 ff', lenient)).toBe('ERR_CBOR_DUPLICATE_KEY');
  });

  it('keys that differ only in type are distinct', () => {
    const map = decodeCbor(fromHex('a4 01 00 61 31 00 41 01 00 f9 3c 00 00')) as Map<CborValue, CborValue>;
    expect(map.size).toBe(4);
  });

  it('0 and -0.0 are distinct keys, both kept: -0.0 as a CborFloat, since a Map stores the number -0 as 0', () => {
    const both = decodeCbor(fromHex('a2 00 00 f9 80 00 01')) as Map<CborValue, CborValue>;
    expect(both.size).toBe(2);
    expect(both.get(0)).toBe(0);
    const [, negativeZero] = [...both.keys()];
    expect(negativeZero).toBeInstanceOf(CborFloat);
    expect(Object.is((negativeZero as CborFloat).value, -0)).toBe(true);
    expect(toHex(encodeCbor(both))).toBe('a20000f9800001');
    // Alone, -0.0 is not turned into the key 0.
    const alone = decodeCbor(fromHex('a1 f9 80 00 01')) as Map<CborValue, CborValue>;
    expect(alone.has(0)).toBe(false);
    expect(toHex(encodeCbor(alone))).toBe('a1f9800001');
    // Given in the other order, the map is the same one, unsorted.
    expect(toHex(encodeCbor(decodeCbor(fromHex('a2 f9 80 00 01 00 00'))))).toBe('a20000f9800001');
  });
});

describe('key order', () => {
  const sorted: DecodeOptions = { requireSortedKeys: true };
  it('unsorted keys are accepted by default and refused when sorted keys are required', () => {
    expect(hexCode('a2 02 00 01 00')).toBe('ok');
    expect(hexCode('a2 02 00 01 00', sorted)).toBe('ERR_CBOR_UNSORTED_KEYS');
    expect(hexCode('a2 61 61 00 01 00', sorted)).toBe('ERR_CBOR_UNSORTED_KEYS');
    expect(hexCode('a1 00 a2 02 00 01 00', sorted)).toBe('ERR_CBOR_UNSORTED_KEYS');
  });

  it('orders bytewise (RFC 8949 §4.2.1), not length-first (§4.2.3)', () => {
    // 24 encodes as 18 18 and -1 as 20: bytewise 24 sorts first, length-first -1 would.
    expect(hexCode('a2 18 18 00 20 00', sorted)).toBe('ok');
    expect(hexCode('a2 20 00 18 18 00', sorted)).toBe('ERR_CBOR_UNSORTED_KEYS');
  });

  it('a repeated key is a duplicate, not merely unsorted', () => {
    expect(hexCode('a2 01 00 01 00', sorted)).toBe('ERR_CBOR_DUPLICATE_KEY');
  });
});

describe('invalid UTF-8', () => {
  it.each([
    ['61 ff', 'byte never in UTF-8'],
    ['61 80', 'lone continuation byte'],
    ['62 c0 80', 'overlong NUL'],
    ['63 e0 80 80', 'overlong three-byte form'],
    ['63 ed a0 80', 'UTF-16 surrogate D800'],
    ['64 f4 90 80 80', 'above U+10FFFF'],
    ['62 c3 61', 'missing continuation'],
    ['61 c3', 'sequence cut by the string end'],
    [`78 20 ${repeat('61 ', 31)} ff`, 'long string (platform decoder path)'],
  ])('%s: %s', (hex) => {
    expect(hexCode(hex)).toBe('ERR_CBOR_INVALID_UTF8');
  });

  it('each chunk of an indefinite text string must be valid on its own', () => {
    expect(hexCode('7f 61 c3 61 bc ff', { allowIndefinite: true })).toBe('ERR_CBOR_INVALID_UTF8');
    expect(decodeCbor(fromHex('7f 62 c3 bc 61 61 ff'), { allowIndefinite: true })).toBe('üa');
  });

  it('a leading byte-order mark is kept, not stripped', () => {
    expect(decodeCbor(fromHex('63 ef bb bf'))).toBe('\ufeff');
    expect(decodeCbor(fromHex(`78 19 ef bb bf ${repeat('61 ', 22)}`))).toBe(`\ufeff${'a'.repeat(22)}`);
  });
});

describe('size, depth and item limits', () => {
  it('maxBytes is checked before parsing', () => {
    expect(hexCode('ff ff ff ff', { maxBytes: 3 })).toBe('ERR_CBOR_TOO_LARGE');
    expect(hexCode('83 01 02 03', { maxBytes: 4 })).toBe('ok');
    const big = new Uint8Array(1_048_577);
    expect(codeOf(big)).toBe('ERR_CBOR_TOO_LARGE');
    expect(codeOf(big.subarray(1))).toBe('ERR_CBOR_TRAILING_BYTES');
  });

  it('nesting 10 000 levels deep ends in TOO_DEEP, never a stack overflow', () => {
    for (const head of ['81', 'a1 01', 'c1', '9f']) {
      const deep = fromHex(repeat(head, 10_000) + '00');
      expect(codeOf(deep, { allowIndefinite: true })).toBe('ERR_CBOR_TOO_DEEP');
      expect(codeOf(deep, { allowIndefinite: true, maxDepth: 1000 })).toBe('ERR_CBOR_TOO_DEEP');
    }
  });

  it('the default depth limit is 32 nested containers', () => {
    expect(hexCode(repeat('81', 32) + '00')).toBe('ok');
    expect(hexCode(repeat('81', 33) + '00')).toBe('ERR_CBOR_TOO_DEEP');
    expect(hexCode(repeat('c1', 33) + '00')).toBe('ERR_CBOR_TOO_DEEP');
    expect(hexCode('81 00', { maxDepth: 0 })).toBe('ERR_CBOR_TOO_DEEP');
    expect(hexCode('00', { maxDepth: 0 })).toBe('ok');
  });

  it('counts every data item: keys, values, tag contents and string chunks', () => {
    expect(hexCode('82 01 02', { maxItems: 3 })).toBe('ok');
    expect(hexCode('83 01 02 03', { maxItems: 3 })).toBe('ERR_CBOR_TOO_MANY_ITEMS');
    expect(hexCode('a1 01 02', { maxItems: 2 })).toBe('ERR_CBOR_TOO_MANY_ITEMS');
    expect(hexCode('c1 c1 00', { maxItems: 2 })).toBe('ERR_CBOR_TOO_MANY_ITEMS');
    expect(hexCode('5f 41 00 41 00 ff', { maxItems: 2, allowIndefinite: true })).toBe('ERR_CBOR_TOO_MANY_ITEMS');
    expect(hexCode('5f 41 00 41 00 ff', { maxItems: 3, allowIndefinite: true })).toBe('ok');
  });

  it('the default item limit is 65 536; a declared count over it is refused before reading', () => {
    const atLimit = new Uint8Array(3 + 65_535);
    atLimit.set([0x99, 0xff, 0xff]); // the array and its 65 535 zeros: 65 536 items
    expect(codeOf(atLimit)).toBe('ok');
    const overLimit = new Uint8Array(5 + 65_536);
    overLimit.set([0x9a, 0x00, 0x01, 0x00, 0x00]);
    expect(codeOf(overLimit)).toBe('ERR_CBOR_TOO_MANY_ITEMS');
    expect(hexCode('9a 00 10 00 00 00 00 00 00', { maxBytes: 16 })).toBe('ERR_CBOR_TRUNCATED');
  });
});

describe('misuse', () => {
  it('refuses a non-byte input and out-of-range options with ERR_INPUT_INVALID', () => {
    expect(codeOf('a0' as unknown as Uint8Array)).toBe('ERR_INPUT_INVALID');
    expect(hexCode('00', { maxDepth: -1 })).toBe('ERR_INPUT_INVALID');
    expect(hexCode('00', { maxDepth: 1001 })).toBe('ERR_INPUT_INVALID');
    expect(hexCode('00', { maxItems: 1.5 })).toBe('ERR_INPUT_INVALID');
    expect(hexCode('00', { maxBytes: Number.NaN })).toBe('ERR_INPUT_INVALID');
  });

  it('returns plain Uint8Array copies, also from a Node Buffer', () => {
    const input = Buffer.from('43010203', 'hex');
    const out = decodeCbor(input) as Uint8Array;
    expect(out.constructor).toBe(Uint8Array);
    input[1] = 9;
    expect([...out]).toEqual([1, 2, 3]);
  });

  it('decodes simple values and refuses nothing valid', () => {
    expect(decodeCbor(fromHex('f0'))).toStrictEqual(new Simple(16));
    expect(decodeCbor(fromHex('f8 20'))).toStrictEqual(new Simple(32));
    expect(decodeCbor(fromHex('e0'))).toStrictEqual(new Simple(0));
  });
});

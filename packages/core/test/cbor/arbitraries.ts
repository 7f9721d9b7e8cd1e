import fc from 'fast-check';
import { CborFloat, type CborValue, cborDiagnostic, Simple, Tagged } from '../../src/cbor/index.js';

/**
 * Arbitrary CBOR values in every JavaScript form the encoder accepts. `forCborX` leaves out what cbor-x cannot
 * decode generically: simple values, tag numbers of 2^32 and above, and the tags it interprets itself (0–6, 14,
 * 15, 25–29, 51, 64–87, 105, 216–259, 27 647–32 767, 0xdff9–0xe0ff, 1 811 940 352 and up).
 */
export function cborValue(options: { forCborX?: boolean; depth?: number } = {}): fc.Arbitrary<CborValue> {
  const forCborX = options.forCborX === true;
  const tagNumber: fc.Arbitrary<number | bigint> = forCborX
    ? fc.oneof(fc.integer({ min: 1000, max: 27_000 }), fc.integer({ min: 0x10000, max: 1_811_940_351 }))
    : fc.oneof(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0x10000, max: 2 ** 53 - 1 }),
        fc.bigInt({ min: 1n << 53n, max: (1n << 64n) - 1n }),
      );
  const leaf: fc.Arbitrary<CborValue>[] = [
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(1n << 72n), max: 1n << 72n }),
    fc.bigInt({ min: -(1n << 64n) - 2n, max: -(1n << 64n) + 2n }),
    fc.bigInt({ min: (1n << 64n) - 2n, max: (1n << 64n) + 2n }),
    fc.double(),
    fc.double().map((d) => new CborFloat(d)),
    fc.float().map((d) => new CborFloat(d)),
    fc.integer({ min: -70_000, max: 70_000 }).map((i) => new CborFloat(i)),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ maxLength: 30 }),
    fc.uint8Array({ maxLength: 70 }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  ];
  if (!forCborX) {
    leaf.push(fc.oneof(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 32, max: 255 })).map((n) => new Simple(n)));
  }
  const { value } = fc.letrec<{ value: CborValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: options.depth ?? 4 },
      ...leaf,
      fc.array(tie('value'), { maxLength: 6 }),
      fc
        .uniqueArray(fc.tuple(tie('value'), tie('value')), {
          maxLength: 6,
          // Keys with the same encoding (1 and 1n, NaN and CborFloat(NaN)) would be a duplicate key.
          selector: ([k]) => cborDiagnostic(k),
        })
        .map((entries) => new Map(entries)),
      fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 6 }),
      fc.tuple(tagNumber, tie('value')).map(([tag, v]) => new Tagged(tag, v)),
    ),
  }));
  return value;
}

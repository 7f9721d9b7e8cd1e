import { DEFER, fastParser } from '@safety-net/core/internal';
import fc from 'fast-check';
import { expect } from 'vitest';

/** A zod schema, seen through the Standard Schema interface every zod schema offers (zod is not a dependency here). */
interface ZodSchema {
  readonly '~standard': { validate(value: unknown): unknown };
}

/** Values of every JSON-ish kind, and a few that are not (undefined, NaN, -0, Infinity, a Map). */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(undefined, null, Number.NaN, -0, Number.POSITIVE_INFINITY, new Map(), [], {}),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxKeys: 3 }),
);

/**
 * Mostly valid claims: each field of `valid` kept (weight 8), replaced by junk (1) or left out (1), and now and
 * then an extra key.
 */
export function nearlyValid(valid: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const absent = Symbol('absent');
  const fields = Object.fromEntries(
    Object.entries(valid).map(([k, a]) => [
      k,
      fc.oneof(
        { weight: 16, arbitrary: a },
        { weight: 1, arbitrary: junk },
        { weight: 1, arbitrary: fc.constant(absent) },
      ),
    ]),
  );
  const extra = fc.oneof(
    { weight: 9, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 4 }), junk, { maxKeys: 2 }) },
  );
  return fc.tuple(fc.record(fields), extra).map(([record, more]) => {
    const out: Record<string, unknown> = { ...more };
    for (const [k, v] of Object.entries(record)) if (v !== absent) out[k] = v;
    return out;
  });
}

/** JSON with undefined kept, so that key order and present-but-undefined keys both count. */
const form = (v: unknown) => JSON.stringify(v, (_, x) => (x === undefined ? '(undefined)' : x));

/**
 * The property that holds a schema's fast parser to zod: it accepts exactly what zod accepts, and returns a value
 * equal to zod's, keys in the same order. Returns how many inputs were valid, so a caller can check that the
 * arbitrary reaches the accepting side.
 */
export function assertFastPathMatchesZod(schema: ZodSchema, input: fc.Arbitrary<unknown>, runs = 500): number {
  const parse = fastParser(schema as never);
  expect(parse).toBeDefined();
  let valid = 0;
  fc.assert(
    fc.property(input, (value) => {
      const fast = parse!(value);
      const slow = schema['~standard'].validate(value) as { value?: unknown; issues?: unknown[] };
      expect(fast !== DEFER).toBe(slow.issues === undefined);
      if (slow.issues === undefined) {
        valid++;
        expect(fast).toStrictEqual(slow.value);
        expect(form(fast)).toBe(form(slow.value));
      }
    }),
    { numRuns: runs },
  );
  return valid;
}

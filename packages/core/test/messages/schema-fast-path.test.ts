import { EctClaimsSchema, ect, ectHash } from '@safety-net/core';
import { DEFER, fastParser } from '@safety-net/core/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import * as zm from 'zod/mini';
import { assertFastPathMatchesZod, junk, nearlyValid } from '../../../../test-support/fast-path-property.js';

const NOW = 1_767_225_600;
const text = (max = 8) => fc.string({ minLength: 1, maxLength: max });
/** Mostly `good`, now and then one of `bad`. */
const mostly = <T>(good: fc.Arbitrary<T>, ...bad: unknown[]) =>
  fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const seconds = (min: number, max: number) => mostly(fc.integer({ min, max }), -1, 1.5, 2 ** 53);

const ectFields = {
  iss: text(),
  aud: fc.oneof(text(), fc.array(text(), { maxLength: 2 })),
  iat: seconds(0, NOW),
  exp: seconds(NOW - 10, 2 * NOW),
  nbf: seconds(0, 2 * NOW),
  jti: mostly(text(), 'x'.repeat(257)),
  wid: text(),
  exec_act: text(),
  pred: fc.array(mostly(text(), ''), { maxLength: 3 }),
  inp_hash: mostly(fc.string({ maxLength: 2 }).map(ectHash), `${ectHash('a').slice(0, 42)}B`),
  out_hash: fc.string({ maxLength: 2 }).map(ectHash),
  ect_ext: fc.dictionary(fc.string({ maxLength: 4 }), junk, { maxKeys: 3 }),
};

describe('the fast path of claims parsing', () => {
  it('accepts exactly what zod accepts for ECT claims, with zod’s result (property)', () => {
    expect(assertFastPathMatchesZod(EctClaimsSchema, nearlyValid(ectFields), 1000)).toBeGreaterThan(40);
  });

  it('holds for the ECT message schema, exp after iat included (property)', () => {
    expect(assertFastPathMatchesZod(ect.schema, nearlyValid(ectFields), 1000)).toBeGreaterThan(50);
  });

  it('holds for every kind it mirrors, classic and mini (property)', () => {
    const classic = z
      .object({
        s: z.string().min(2).max(4).trim(),
        r: z.string().regex(/^[a-c]+$/),
        n: z.number().int().nonnegative().max(10),
        b: z.boolean(),
        l: z.union([z.literal(0), z.literal('0')]),
        e: z.enum(['a', 'b']),
        o: z.string().optional(),
        u: z.unknown(),
        nul: z.number().nullable(),
        arr: z.array(z.number()).min(1).max(2),
        rec: z.record(z.string(), z.number()),
        strip: z.object({ x: z.number() }),
        tup: z.tuple([z.number().int(), z.string()]),
      })
      .strict()
      .superRefine((v, ctx) => {
        if (v.n === 3) ctx.addIssue({ code: 'custom', message: 'three' });
      });
    const classicFields = {
      s: mostly(fc.constantFrom(' ab ', 'abc', 'ab'), '', 'abcdef'),
      r: mostly(fc.stringMatching(/^[a-c]{1,3}$/), 'd', ''),
      n: mostly(fc.integer({ min: 0, max: 10 }), -1, 11, 1.5),
      b: fc.boolean(),
      l: mostly(fc.constantFrom(0, '0', -0), 1),
      e: mostly(fc.constantFrom('a', 'b'), 'c'),
      o: fc.oneof(fc.string(), fc.constant(undefined)),
      u: junk,
      nul: fc.oneof(fc.constant(null), fc.integer()),
      arr: fc.array(fc.integer(), { maxLength: 3 }),
      rec: fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.integer(), fc.constant('x')), { maxKeys: 3 }),
      strip: fc.record({ x: fc.integer() }, { requiredKeys: [] }).chain((o) => fc.constant({ ...o, y: 1 })),
      tup: mostly(fc.tuple(fc.integer(), fc.string()), [1], [1, 'a', 2], [1.5, 'a'], ['a', 1], { 0: 1, 1: 'a' }),
    };
    expect(assertFastPathMatchesZod(classic, nearlyValid(classicFields), 2000)).toBeGreaterThan(15);
    const mini = zm.strictObject({ a: zm.optional(zm.array(zm.string().check(zm.minLength(1)))) });
    expect(assertFastPathMatchesZod(mini, nearlyValid({ a: fc.array(fc.string({ maxLength: 2 })) }))).toBeGreaterThan(
      50,
    );
  });

  it('agrees with zod at the bounds of its checks: code points against UTF-16 units, numbers at the bound (property)', () => {
    // Lengths near the bounds in units and in code points apart (an astral character is two units, a lone
    // surrogate one), numbers on, beside and far from each bound, a stateful pattern.
    const text = fc.array(fc.constantFrom('a', '\u{1f600}', '\ud800'), { maxLength: 9 }).map((parts) => parts.join(''));
    const number = fc.oneof(
      fc.integer({ min: -2, max: 7 }),
      fc.constantFrom(1.5, 4.5, -0, 2 ** 31, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
    );
    const cases: [z.ZodType, fc.Arbitrary<unknown>][] = [
      [z.string().min(1), text],
      [z.string().min(3), text],
      [z.string().max(3), text],
      [z.string().length(2), text],
      [z.string().min(2).max(4), text],
      [z.array(z.number()).min(1).max(2), fc.array(fc.integer(), { maxLength: 3 })],
      [z.number().gt(1), number],
      [z.number().gte(1), number],
      [z.number().lt(5), number],
      [z.number().lte(5), number],
      [z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), number],
      [z.int32(), number],
      [z.string().regex(/a/g), fc.constantFrom('a', 'ba', 'b', 'aa', '')],
      [z.email(), fc.constantFrom('a@example.org', 'a@', 'x')],
    ];
    for (const [i, [schema, values]] of cases.entries()) {
      expect(assertFastPathMatchesZod(schema, values, 300), `case ${i}`).toBeGreaterThan(0);
    }
  });

  it('leaves schemas with kinds it does not mirror to zod', () => {
    expect(fastParser(z.object({ d: z.date() }))).toBeUndefined();
    expect(fastParser(z.object({ t: z.string().transform((s) => s.length) }))).toBeUndefined();
    expect(fastParser(z.object({ x: z.number().default(1) }))).toBeUndefined();
    expect(fastParser(z.object({}).passthrough())).toBeUndefined();
    expect(fastParser(z.coerce.number())).toBeUndefined();
    expect(fastParser(z.tuple([z.number()], z.string()))).toBeUndefined();
    expect(fastParser(z.tuple([z.number(), z.number().optional()]))).toBeUndefined();
  });

  it('leaves input with a __proto__ key or symbol keys to zod', () => {
    const rec = fastParser(z.record(z.string(), z.number()))!;
    expect(rec(JSON.parse('{"__proto__": 1}'))).toBe(DEFER);
    expect(rec({ [Symbol('s')]: 1 })).toBe(DEFER);
    expect(rec({ a: 1 })).toEqual({ a: 1 });
  });
});

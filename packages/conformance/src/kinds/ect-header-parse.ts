import { parseExecutionContext, toHex } from '@safety-net/core';
import * as z from 'zod';
import { expectedOf, Hex } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const Token = z.union([
  z.object({ format: z.literal('jws'), jws: z.string() }).strict(),
  z.object({ format: z.literal('cose'), cose_hex: Hex }).strict(),
]);

const EctHeaderParse = z
  .object({
    input: z.object({ field_lines: z.array(z.string()) }).strict(),
    options: z.object({}).strict(),
    expected: expectedOf({ tokens: z.array(Token) }),
  })
  .strict();

/** `ect-header-parse`: the `Execution-Context` field lines split into tokens, each in its form (`ect.md` §8). */
export const ectHeaderParse = defineKind('ect-header-parse', EctHeaderParse, async ({ input, expected }) => {
  const got = await attempt(() => ({
    tokens: parseExecutionContext(input.field_lines).map((t) =>
      t.format === 'jws' ? { format: 'jws', jws: t.token } : { format: 'cose', cose_hex: toHex(t.bytes) },
    ),
  }));
  compareOutcome(expected, got);
});

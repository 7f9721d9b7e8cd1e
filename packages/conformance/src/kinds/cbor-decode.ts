import { decodeCbor, encodeCbor, fromHex, toHex } from '@safety-net/core';
import * as z from 'zod';
import { expectedOf, Hex } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

/** Any number: out-of-range limits are passed on, so that vectors can pin their refusal. */
const Limit = z.number().optional();

const CborDecode = z
  .object({
    input: z.object({ cbor_hex: Hex }).strict(),
    options: z
      .object({ max_bytes: Limit, max_depth: Limit, max_items: Limit, require_sorted_keys: z.boolean().optional() })
      .strict(),
    expected: expectedOf({ encoded_hex: Hex }),
  })
  .strict();

/** `cbor-decode`: strict decoding of one item, and its deterministic re-encoding (`core.md` §3). */
export const cborDecode = defineKind('cbor-decode', CborDecode, async ({ input, options, expected }) => {
  const got = await attempt(() => {
    const value = decodeCbor(fromHex(input.cbor_hex), {
      maxBytes: options.max_bytes,
      maxDepth: options.max_depth,
      maxItems: options.max_items,
      requireSortedKeys: options.require_sorted_keys,
    });
    return { encoded_hex: toHex(encodeCbor(value)) };
  });
  compareOutcome(expected, got);
});

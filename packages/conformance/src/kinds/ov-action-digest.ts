import { canonicalJson, parseClaims, toHex } from '@safety-net/core';
import { ActionCallSchema, actionDigest } from '@safety-net/override-protocol';
import * as z from 'zod';
import { expectedOf, Hex, JsonObject } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const OvActionDigest = z
  .object({
    input: z.object({ action: JsonObject }).strict(),
    options: z.object({}).strict(),
    expected: expectedOf({ canonical_hex: Hex, digest: z.string() }),
  })
  .strict();

/**
 * `ov-action-digest`: an action (`{name, params}`, JSON) → its RFC 8785 form → SHA-256 as base64url
 * (`override-protocol.md` §4.2); an action the schema refuses (fractions, depth, other members) is
 * `ERR_CLAIMS_INVALID`.
 */
export const ovActionDigest = defineKind('ov-action-digest', OvActionDigest, async ({ input, expected }) => {
  const got = await attempt(() => {
    const action = parseClaims(ActionCallSchema, input.action);
    return { canonical_hex: toHex(canonicalJson(action)), digest: actionDigest(action) };
  });
  compareOutcome(expected, got);
});

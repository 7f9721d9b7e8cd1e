import {
  coseKeyThumbprint,
  fromHex,
  jwkThumbprint,
  type Key,
  keyFromCoseKey,
  keyFromJwk,
  toHex,
} from '@safety-net/core';
import * as z from 'zod';
import { expectedOf, Hex } from '../format.js';
import { VectorMismatch } from './context.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const KeyImport = z
  .object({
    input: z.object({ jwk: z.unknown().optional(), cose_key_hex: Hex.optional() }).strict(),
    options: z.object({}).strict(),
    expected: expectedOf({
      curve: z.string(),
      x_hex: Hex,
      y_hex: Hex.nullable(),
      private: z.boolean(),
      kid_hex: Hex.nullable(),
      alg: z.number().int().safe().nullable(),
      jwk_thumbprint: z.string(),
      cose_key_thumbprint_hex: Hex,
    }),
  })
  .strict();

/** What a vector compares of an imported key: its public parameters, whether it is private, and both thumbprints. */
export function keyFacts(key: Key): Record<string, unknown> {
  return {
    curve: key.curve,
    x_hex: toHex(key.x),
    y_hex: key.y ? toHex(key.y) : null,
    private: key.type === 'private',
    kid_hex: key.kid ? toHex(key.kid) : null,
    alg: key.alg ?? null,
    jwk_thumbprint: jwkThumbprint(key),
    cose_key_thumbprint_hex: toHex(coseKeyThumbprint(key)),
  };
}

/** `key-import`: a JWK or an encoded COSE_Key read and validated (`core.md` §5.2–§5.4, §5.6). */
export const keyImport = defineKind('key-import', KeyImport, async ({ input, expected }) => {
  const hasJwk = Object.hasOwn(input, 'jwk');
  if (hasJwk === (input.cose_key_hex !== undefined)) {
    throw new VectorMismatch('input must hold exactly one of jwk and cose_key_hex');
  }
  const got = await attempt(() =>
    keyFacts(hasJwk ? keyFromJwk(input.jwk) : keyFromCoseKey(fromHex(input.cose_key_hex!))),
  );
  compareOutcome(expected, got);
});

import { fromHex, toHex, verifySign1 } from '@safety-net/core';
import * as z from 'zod';
import { expectedOf, Hex } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, bytesOf, compareOutcome } from './outcome.js';
import { CoseSign1VerifyOptions } from './verify-options.js';

const CoseSign1Verify = z
  .object({
    input: z.object({ cose_hex: Hex, detached_payload_hex: Hex.optional() }).strict(),
    options: CoseSign1VerifyOptions,
    expected: expectedOf({ payload_hex: Hex, alg: z.number().int(), kid_hex: Hex.nullable() }),
  })
  .strict();

/** `cose-sign1-verify`: generic RFC 9052 verification of a COSE_Sign1 (`core.md` §4.5). */
export const coseSign1Verify = defineKind(
  'cose-sign1-verify',
  CoseSign1Verify,
  async ({ input, options, expected }, ctx) => {
    const key = ctx.verifier(options);
    const got = await attempt(() => {
      const result = verifySign1(fromHex(input.cose_hex), {
        key,
        externalAad: bytesOf(options.external_aad_hex),
        detachedPayload: bytesOf(input.detached_payload_hex),
        tag: options.tag,
        requireProtectedAlg: options.require_protected_alg,
        profile: options.profile,
        understoodCrit: options.understood_crit,
        backend: ctx.backend,
      });
      return { payload_hex: toHex(result.payload), alg: result.alg.id, kid_hex: result.kid ? toHex(result.kid) : null };
    });
    compareOutcome(expected, got);
  },
);

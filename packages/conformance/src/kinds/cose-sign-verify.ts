import { fromHex, toHex, verifySign } from '@safety-net/core';
import * as z from 'zod';
import { ErrorCodeText, expectedOf, Hex } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, bytesOf, compareOutcome } from './outcome.js';
import { CoseVerifyOptions } from './verify-options.js';

const SignatureOutcome = z.union([
  z.object({ valid: z.literal(true), alg: z.number().int(), key: z.string() }).strict(),
  z.object({ valid: z.literal(false), error: ErrorCodeText }).strict(),
]);

const CoseSignVerify = z
  .object({
    input: z.object({ cose_hex: Hex, detached_payload_hex: Hex.optional() }).strict(),
    options: z
      .object({
        key_set: z.array(z.string().min(1)).min(1),
        require: z.union([z.literal('all'), z.object({ at_least: z.number() }).strict()]).optional(),
        ...CoseVerifyOptions,
      })
      .strict(),
    expected: expectedOf({ payload_hex: Hex, signatures: z.array(SignatureOutcome) }),
  })
  .strict();

/** `cose-sign-verify`: generic verification of a COSE_Sign under the all or at-least-k policy (`core.md` §4.6). */
export const coseSignVerify = defineKind(
  'cose-sign-verify',
  CoseSignVerify,
  async ({ input, options, expected }, ctx) => {
    const key = ctx.verifier({ key_set: options.key_set });
    const got = await attempt(() => {
      const result = verifySign(fromHex(input.cose_hex), {
        key,
        require:
          options.require === undefined || options.require === 'all' ? 'all' : { atLeast: options.require.at_least },
        externalAad: bytesOf(options.external_aad_hex),
        detachedPayload: bytesOf(input.detached_payload_hex),
        tag: options.tag,
        profile: options.profile,
        understoodCrit: options.understood_crit,
        backend: ctx.backend,
      });
      return {
        payload_hex: toHex(result.payload),
        signatures: result.outcomes.map((o) =>
          o.valid
            ? { valid: true, alg: o.alg.id, key: ctx.keyName(o.key, options.key_set) }
            : { valid: false, error: o.error.code },
        ),
      };
    });
    compareOutcome(expected, got);
  },
);

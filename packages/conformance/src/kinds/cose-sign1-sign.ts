import { decodeSign1, publicKeyOf, sign1ToBeSigned, signSign1, toHex, verifySign1 } from '@safety-net/core';
import * as z from 'zod';
import { expectedOf, HeaderObject, Hex } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, bytesOf, compareOutcome } from './outcome.js';
import { compareSigned, headerParams } from './signed.js';

const CoseSign1Sign = z
  .object({
    input: z
      .object({
        payload_hex: Hex,
        protected: HeaderObject,
        unprotected: HeaderObject,
        external_aad_hex: Hex.optional(),
        detached: z.boolean().optional(),
        tagged: z.boolean().optional(),
      })
      .strict(),
    options: z.object({ signer: z.string().min(1) }).strict(),
    expected: expectedOf({ to_be_signed_hex: Hex, cose_hex: Hex, deterministic: z.boolean() }),
  })
  .strict();

/** `cose-sign1-sign`: producing a COSE_Sign1 (`core.md` §4.4), exactly for EdDSA, verifiably for ECDSA. */
export const coseSign1Sign = defineKind('cose-sign1-sign', CoseSign1Sign, async ({ input, options, expected }, ctx) => {
  const key = ctx.privateKey(options.signer);
  const payload = bytesOf(input.payload_hex)!;
  const externalAad = bytesOf(input.external_aad_hex);
  const got = await attempt(() => {
    const bytes = signSign1(payload, key, {
      protectedHeader: headerParams(input.protected),
      unprotectedHeader: headerParams(input.unprotected),
      externalAad,
      detached: input.detached,
      tagged: input.tagged,
      profile: false,
      backend: ctx.backend,
    });
    const tbs = sign1ToBeSigned(decodeSign1(bytes).protectedBytes, payload, externalAad);
    return { bytes, to_be_signed_hex: toHex(tbs) };
  });
  compareOutcome(expected, got, ['cose_hex', 'deterministic']);
  if (expected.result === 'invalid' || !got.ok) return;
  const detachedPayload = input.detached ? payload : undefined;
  await compareSigned(got.value.bytes, expected, ctx.backends, (bytes, backend) =>
    verifySign1(bytes, { key: publicKeyOf(key), externalAad, detachedPayload, backend }),
  );
});

import { decodeSign, publicKeyOf, signSign, signToBeSigned, snError, toHex, verifySign } from '@safety-net/core';
import * as z from 'zod';
import { expectedOf, HeaderObject, Hex } from '../format.js';
import { VectorMismatch } from './context.js';
import { defineKind } from './kind.js';
import { attempt, bytesOf, compareOutcome } from './outcome.js';
import { compareSigned, headerParams } from './signed.js';

const Bucket = z.object({ protected: HeaderObject, unprotected: HeaderObject }).strict();

const CoseSignSign = z
  .object({
    input: z
      .object({
        payload_hex: Hex,
        protected: HeaderObject,
        unprotected: HeaderObject,
        signatures: z.array(Bucket).min(1),
        external_aad_hex: Hex.optional(),
        detached: z.boolean().optional(),
        tagged: z.boolean().optional(),
      })
      .strict(),
    options: z.object({ signers: z.array(z.string().min(1)).min(1) }).strict(),
    expected: expectedOf({ to_be_signed_hex: z.array(Hex), cose_hex: Hex, deterministic: z.boolean() }),
  })
  .strict();

/** `cose-sign-sign`: producing a COSE_Sign with one signature per signer (`core.md` §4.4, §4.6). */
export const coseSignSign = defineKind('cose-sign-sign', CoseSignSign, async ({ input, options, expected }, ctx) => {
  if (options.signers.length !== input.signatures.length) {
    throw new VectorMismatch('options.signers must name one key per entry of input.signatures');
  }
  const keys = options.signers.map((name) => ctx.privateKey(name));
  const payload = bytesOf(input.payload_hex)!;
  const externalAad = bytesOf(input.external_aad_hex);
  const got = await attempt(() => {
    const bytes = signSign(
      payload,
      keys.map((key, i) => ({
        key,
        protectedHeader: headerParams(input.signatures[i]!.protected),
        unprotectedHeader: headerParams(input.signatures[i]!.unprotected),
      })),
      {
        protectedHeader: headerParams(input.protected),
        unprotectedHeader: headerParams(input.unprotected),
        externalAad,
        detached: input.detached,
        tagged: input.tagged,
        profile: false,
        backend: ctx.backend,
      },
    );
    const decoded = decodeSign(bytes);
    const tbs = decoded.signatures.map((s) =>
      toHex(signToBeSigned(decoded.protectedBytes, s.protectedBytes, payload, externalAad)),
    );
    return { bytes, to_be_signed_hex: tbs };
  });
  compareOutcome(expected, got, ['cose_hex', 'deterministic']);
  if (expected.result === 'invalid' || !got.ok) return;
  const detachedPayload = input.detached ? payload : undefined;
  await compareSigned(got.value.bytes, expected, ctx.backends, (bytes, backend) => {
    // Signature i must verify under signer i's key: one pass per key, each needing its own signature valid.
    keys.forEach((key, i) => {
      const result = verifySign(bytes, {
        key: publicKeyOf(key),
        require: { atLeast: 1 },
        externalAad,
        detachedPayload,
        backend,
      });
      const outcome = result.outcomes[i];
      if (!outcome?.valid) throw outcome?.error ?? snError('ERR_COSE_NO_SIGNATURES', `no signature ${i}`);
    });
  });
});

import { decodeSign1, encodeCbor, publicKeyOf, toHex, verifySign1 } from '@safety-net/core';
import * as z from 'zod';
import { expectedOf, Hex, JsonObject } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, bytesOf, compareOutcome } from './outcome.js';
import { compareSigned } from './signed.js';

const MessageSign = z
  .object({
    input: z
      .object({
        type: z.string().min(1),
        claims: JsonObject,
        external_aad_hex: Hex.optional(),
        detached: z.boolean().optional(),
      })
      .strict(),
    options: z.object({ signer: z.string().min(1), kid: z.enum(['key', 'thumbprint']).optional() }).strict(),
    expected: expectedOf({ payload_hex: Hex, cose_hex: Hex, deterministic: z.boolean() }),
  })
  .strict();

/** `message-sign`: claims signed as a message type (`core.md` §6.3, §6.4); pins each type's claim labels. */
export const messageSign = defineKind('message-sign', MessageSign, async ({ input, options, expected }, ctx) => {
  const key = ctx.privateKey(options.signer);
  const externalAad = bytesOf(input.external_aad_hex);
  const got = await attempt(() => {
    const type = ctx.registry.byName(input.type);
    const bytes = type.sign(input.claims, key, {
      kid: options.kid === 'thumbprint' ? 'thumbprint' : undefined,
      externalAad,
      detached: input.detached,
      backend: ctx.backend,
    });
    const payload = decodeSign1(bytes).payload ?? encodeCbor(type.toCbor(type.parse(input.claims)));
    return { bytes, payload, payload_hex: toHex(payload) };
  });
  compareOutcome(expected, got, ['cose_hex', 'deterministic']);
  if (expected.result === 'invalid' || !got.ok) return;
  const detachedPayload = input.detached ? got.value.payload : undefined;
  await compareSigned(got.value.bytes, expected, ctx.backends, (bytes, backend) =>
    verifySign1(bytes, {
      key: publicKeyOf(key),
      externalAad,
      detachedPayload,
      requireProtectedAlg: true,
      profile: true,
      backend,
    }),
  );
});

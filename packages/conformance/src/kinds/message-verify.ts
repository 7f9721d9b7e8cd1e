import {
  fromHex,
  MemoryReplayCache,
  type MessageVerifyOptions,
  toHex,
  type VerifyResult,
  verifyJws,
} from '@safety-net/core';
import * as z from 'zod';
import { expectedOf, Hex, JsonObject, KeySelection, Label } from '../format.js';
import { type VectorContext, VectorMismatch } from './context.js';
import { defineKind } from './kind.js';
import { attempt, bytesOf, compareOutcome } from './outcome.js';

const Message = z.union([z.object({ cose_hex: Hex }).strict(), z.object({ jws: z.string().min(1) }).strict()]);

const MessageVerify = z
  .object({
    input: z
      .object({
        type: z.string().min(1),
        cose_hex: Hex.optional(),
        jws: z.string().min(1).optional(),
        detached_payload_hex: Hex.optional(),
        before: z.array(Message).optional(),
      })
      .strict(),
    options: z
      .object({
        ...KeySelection,
        issuer: z.string().optional(),
        audience: z.union([z.string(), z.array(z.string())]).optional(),
        // Any number: out-of-range values are passed on, so that vectors can pin their refusal (core.md §6.6).
        clock_skew_seconds: z.number().optional(),
        max_age_seconds: z.number().optional(),
        external_aad_hex: Hex.optional(),
        replay: z.boolean().optional(),
        understood_crit: z.array(Label).optional(),
      })
      .strict(),
    expected: expectedOf({
      format: z.enum(['cose', 'jws']),
      typ: z.string(),
      alg: z.number().int(),
      kid_hex: Hex.nullable(),
      claims: JsonObject,
    }),
  })
  .strict();

type Parts = z.infer<typeof MessageVerify>;

/** Verifies one message in either wire form; a failure is thrown, so that `attempt` keeps its code. */
async function verifyOne(
  message: { cose_hex?: string | undefined; jws?: string | undefined },
  typeName: string,
  options: MessageVerifyOptions,
  ctx: VectorContext,
): Promise<Record<string, unknown>> {
  const type = ctx.registry.byName(typeName);
  let result: VerifyResult<object>;
  if (message.cose_hex !== undefined) {
    result = await type.verifyAsync(fromHex(message.cose_hex), options);
  } else {
    if (options.externalAad || options.detachedPayload || options.understoodCrit) {
      throw new VectorMismatch('external_aad_hex, detached_payload_hex and understood_crit apply to COSE only');
    }
    result = await verifyJws(type, message.jws!, options);
  }
  if (!result.ok) throw result.error;
  return {
    format: result.format,
    typ: result.typ,
    alg: result.alg.id,
    kid_hex: result.kid ? toHex(result.kid) : null,
    claims: result.claims,
  };
}

/** `message-verify`: a message type's full pipeline, COSE (`core.md` §6.5) or JWS (§6.9), replay included. */
export const messageVerify = defineKind('message-verify', MessageVerify, async (parts: Parts, ctx) => {
  const { input, options, expected } = parts;
  if ((input.cose_hex === undefined) === (input.jws === undefined)) {
    throw new VectorMismatch('input must hold exactly one of cose_hex and jws');
  }
  if (input.before && !options.replay) throw new VectorMismatch('input.before is only meaningful with replay');
  const verifyOptions: MessageVerifyOptions = {
    key: ctx.verifier(options),
    clock: ctx.clock,
    issuer: options.issuer,
    audience: options.audience,
    clockSkewSeconds: options.clock_skew_seconds,
    maxAgeSeconds: options.max_age_seconds,
    externalAad: bytesOf(options.external_aad_hex),
    detachedPayload: bytesOf(input.detached_payload_hex),
    replay: options.replay ? new MemoryReplayCache() : undefined,
    understoodCrit: options.understood_crit,
    backend: ctx.backend,
  };
  for (const [i, earlier] of (input.before ?? []).entries()) {
    const got = await attempt(() =>
      verifyOne(earlier, input.type, { ...verifyOptions, detachedPayload: undefined }, ctx),
    );
    if (!got.ok) throw new VectorMismatch(`before[${i}] must be valid, got ${got.error.code}`);
  }
  compareOutcome(expected, await attempt(() => verifyOne(input, input.type, verifyOptions, ctx)));
});

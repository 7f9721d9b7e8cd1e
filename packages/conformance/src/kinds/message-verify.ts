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
import { partyVerifier } from './party-signed.js';

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
    // A message one party signs gives alg and kid_hex; one several parties sign gives signers and digest.
    expected: expectedOf({
      format: z.enum(['cose', 'jws']),
      typ: z.string(),
      alg: z.number().int().optional(),
      kid_hex: Hex.nullable().optional(),
      claims: JsonObject,
      signers: z.array(z.string()).optional(),
      digest: z.string().optional(),
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
  const bytes = message.cose_hex === undefined ? undefined : fromHex(message.cose_hex);
  const byParties = bytes && partyVerifier(typeName, bytes);
  if (byParties) {
    const { key, clock, backend, ...others } = options;
    if (Object.values(others).some((o) => o !== undefined)) throw new VectorMismatch('party-signed: key options only');
    return { ...(await byParties(bytes, { keys: key, clock: clock!, backend: backend! })) };
  }
  let result: VerifyResult<object>;
  if (bytes !== undefined) {
    result = await type.verifyAsync(bytes, options);
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
  const got = await attempt(() => verifyOne(input, input.type, verifyOptions, ctx));
  // Every output the verification gives must be expected, so that a vector never tests less than it says.
  if (got.ok && expected.result === 'valid') {
    const missing = Object.keys(got.value).filter((name) => !Object.hasOwn(expected, name));
    if (missing.length > 0) throw new VectorMismatch(`expected lacks ${missing.join(', ')}`);
  }
  compareOutcome(expected, got);
});

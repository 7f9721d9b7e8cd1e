import { defineMessageType, EpochSecondsSchema, IdentifierSchema, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';
import { bytesAt, DigestSchema, issue } from './accounting-common.js';
import { MESSAGE_LABELS, MessageShape } from './common.js';

/** Most stitches one Erasure Request names (spec §7.3). */
export const MAX_ERASURE_STITCHES = 10_000;
/** Lifetime of an Erasure Request: 30 days (spec §9). */
export const ERASURE_REQUEST_LIFETIME = 30 * 86_400;

/** One stitched record of the peer: the `ect` jti both records carry and, when known, the peer's entry. */
export const ErasureStitchSchema = z.object({ ect: TaskIdSchema, entry: DigestSchema.optional() }).strict();
/** A stitch of an Erasure Request. */
export type ErasureStitch = z.infer<typeof ErasureStitchSchema>;

/** Erasure Request claims (spec §7.3). */
export const ErasureRequestClaimsSchema = z
  .object({
    ...MessageShape,
    aud: IdentifierSchema,
    exp: EpochSecondsSchema,
    stitches: z.array(ErasureStitchSchema).min(1).max(MAX_ERASURE_STITCHES),
    basis: z.string().min(1).max(256),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.exp <= c.iat) issue(ctx, 'exp', 'exp is not after iat');
    if (c.exp - c.iat > ERASURE_REQUEST_LIFETIME) issue(ctx, 'exp', 'an erasure request lives at most 30 days');
  });
/** Erasure Request claims. */
export type ErasureRequestClaims = z.infer<typeof ErasureRequestClaimsSchema>;

/**
 * The Erasure Request: a domain asks a peer to erase the subject of records stitched to its own, naming the stitching
 * ECTs and the peer's entries, never the subject (spec §7.3); the peer resolves the subject from its own records.
 */
export const erasureRequest = defineMessageType<ErasureRequestClaims>({
  name: 'au-erasure',
  description: 'Erasure Request: erase the subject of stitched records, named by their ECTs',
  dag: { execAct: 'au.erasure' },
  schema: ErasureRequestClaimsSchema,
  labels: { ...MESSAGE_LABELS, stitches: ['stitches', bytesAt('*.entry')], basis: 'basis' },
});

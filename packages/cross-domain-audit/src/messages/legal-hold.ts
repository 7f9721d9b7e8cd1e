import { defineMessageType, EpochSecondsSchema, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';
import { bytesAt, DigestSchema, issue, NameSchema } from './accounting-common.js';
import { MESSAGE_LABELS, MessageShape } from './common.js';

/** Most members of each list of a hold's scope. */
export const MAX_HOLD_MEMBERS = 100_000;

/**
 * What a hold covers (spec §7.5): subjects by the SHA-256 of their pseudonym, leaf indices, workflows; at least one
 * member.
 */
export const HoldScopeSchema = z
  .object({
    subjects: z.array(DigestSchema).min(1).max(MAX_HOLD_MEMBERS).optional(),
    entries: z.array(EpochSecondsSchema).min(1).max(MAX_HOLD_MEMBERS).optional(),
    workflows: z.array(TaskIdSchema).min(1).max(MAX_HOLD_MEMBERS).optional(),
  })
  .strict()
  .refine((s) => s.subjects || s.entries || s.workflows, 'a hold scope has at least one member');
/** A hold's scope. */
export type HoldScope = z.infer<typeof HoldScopeSchema>;

/** Legal Hold claims (spec §7.5). */
export const LegalHoldClaimsSchema = z
  .object({
    ...MessageShape,
    hold: NameSchema,
    action: z.enum(['place', 'lift']),
    scope: HoldScopeSchema,
    authority: z.string().max(1024),
    /** A hold issued to other domains may end by itself; this domain's own holds end by a lift. */
    exp: EpochSecondsSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.exp !== undefined && c.exp <= c.iat) issue(ctx, 'exp', 'exp is not after iat');
    // A lift answers the place it lifts: the DAG then shows which hold ended, and by whose order.
    if (c.action === 'lift' && c.pred.length === 0) issue(ctx, 'pred', 'a lift names the place it lifts in pred');
  });
/** Legal Hold claims. */
export type LegalHoldClaims = z.infer<typeof LegalHoldClaimsSchema>;

/**
 * The Legal Hold: placed or lifted by the log's domain on an authority's order, or by a peer domain or a regulator
 * whose key the domain trusts for holds; logged, so the existence and scope of a hold are themselves auditable
 * (spec §7.5).
 */
export const legalHold = defineMessageType<LegalHoldClaims>({
  name: 'au-hold',
  description: 'Legal Hold: erasure and retention suspended for a scope, or the suspension lifted',
  dag: { execAct: 'au.hold' },
  schema: LegalHoldClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    hold: 'hold',
    action: 'action',
    scope: ['scope', bytesAt('subjects.*')],
    authority: 'authority',
  },
});

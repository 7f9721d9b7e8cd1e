import { defineMessageType, EpochSecondsSchema } from '@safety-net/core';
import * as z from 'zod';
import { expAfterIat, MESSAGE_LABELS, MessageShape, NameSchema, ReasonTextSchema } from './common.js';

/** What an agent says of itself. */
export const FailureStatusSchema = z.enum(['degraded', 'unavailable', 'recovered']);
/** A failure status. */
export type FailureStatus = z.infer<typeof FailureStatusSchema>;

/** Failure Signal claims (spec §2.2). */
export const FailureSignalClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema,
    status: FailureStatusSchema,
    since: EpochSecondsSchema,
    until: EpochSecondsSchema.optional(),
    reason: ReasonTextSchema,
    domain: NameSchema.optional(),
    capacity: z.number().min(0).max(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    expAfterIat(c, ctx);
    if (c.status === 'recovered' && c.until !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'a recovered agent names no until' });
    }
    if (c.until !== undefined && c.until < c.since) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'until is before since' });
    }
    if (c.capacity !== undefined && c.status !== 'degraded') {
      ctx.addIssue({ code: 'custom', path: ['capacity'], message: 'capacity goes only with degraded' });
    }
  });
/** Failure Signal claims. */
export type FailureSignalClaims = z.infer<typeof FailureSignalClaimsSchema>;

/**
 * The Failure Signal: an agent (`iss`) tells its callers that it is degraded or unavailable until a time, or that
 * it has recovered, so that they stop sending it work before their own breakers have to find out (spec §2.2).
 *
 * @example
 * ```ts
 * const bytes = failureSignal.sign({ ...link, iss, iat, exp, status: 'unavailable', since, until, reason }, key);
 * ```
 */
export const failureSignal = defineMessageType<FailureSignalClaims>({
  name: 'cp-failure',
  description: 'Failure Signal: an agent’s own degraded / unavailable / recovered status',
  dag: { execAct: 'cp.failure' },
  schema: FailureSignalClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    status: 'status',
    since: 'since',
    until: 'until',
    reason: 'reason',
    domain: 'domain',
    capacity: 'capacity',
  },
});

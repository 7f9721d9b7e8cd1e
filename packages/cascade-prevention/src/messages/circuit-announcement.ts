import { defineMessageType, EpochSecondsSchema, jsonValue } from '@safety-net/core';
import * as z from 'zod';
import { expAfterIat, MESSAGE_LABELS, MessageShape, NameSchema, ReasonTextSchema } from './common.js';

/** Breaker states as announced (spec §3). */
export const CircuitStateSchema = z.enum(['closed', 'open', 'half_open', 'forced_open', 'disabled']);
/** A breaker state. */
export type CircuitState = z.infer<typeof CircuitStateSchema>;

/** Why a breaker changed state (spec §2.1). */
export const TransitionKindSchema = z.enum([
  'failure_rate',
  'slow_call_rate',
  'probe_failed',
  'probe_succeeded',
  'open_elapsed',
  'explicit_signal',
  'operator',
  'evidence',
]);
/** The kind of a transition reason. */
export type TransitionKind = z.infer<typeof TransitionKindSchema>;

const RateSchema = z.number().min(0).max(1);

/** The reason of a transition; `rate` and `threshold` exactly for the rate kinds. */
export const TransitionReasonSchema = z
  .object({
    kind: TransitionKindSchema,
    rate: RateSchema.optional(),
    threshold: RateSchema.optional(),
    window: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    calls: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    detail: ReasonTextSchema.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const rateKind = r.kind === 'failure_rate' || r.kind === 'slow_call_rate';
    if (rateKind !== (r.rate !== undefined && r.threshold !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'rate and threshold go with, and only with, the rate kinds' });
    }
  });
/** The reason of a transition. */
export type TransitionReason = z.infer<typeof TransitionReasonSchema>;

/** States in which a breaker refuses calls until a retry time. */
const OPEN_STATES: ReadonlySet<CircuitState> = new Set(['open', 'forced_open']);

/** Circuit State Announcement claims (spec §2.1). */
export const CircuitAnnouncementClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema,
    breaker: NameSchema,
    dependency: NameSchema,
    state: CircuitStateSchema,
    reason: TransitionReasonSchema,
    since: EpochSecondsSchema,
    seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    retry_after: EpochSecondsSchema.optional(),
    domain: NameSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    expAfterIat(c, ctx);
    if (OPEN_STATES.has(c.state) !== (c.retry_after !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['retry_after'],
        message: 'retry_after goes with, and only with, open states',
      });
    }
    if (c.retry_after !== undefined && c.retry_after < c.since) {
      ctx.addIssue({ code: 'custom', path: ['retry_after'], message: 'retry_after is before since' });
    }
  });
/** Circuit State Announcement claims. */
export type CircuitAnnouncementClaims = z.infer<typeof CircuitAnnouncementClaimsSchema>;

/**
 * The Circuit State Announcement: the host of a breaker tells its peers, across vendors, the state of its breaker
 * for a dependency. A receiver that trusts the host may open its own breaker for that dependency (spec §3).
 *
 * @example
 * ```ts
 * const bytes = circuitAnnouncement.sign(claims, hostKey);
 * const result = circuitAnnouncement.verify(bytes, { key: trustedHosts });
 * ```
 */
export const circuitAnnouncement = defineMessageType<CircuitAnnouncementClaims>({
  name: 'cp-circuit',
  description: 'Circuit State Announcement: a breaker’s state for a dependency, for peers to act on',
  dag: { execAct: 'cp.circuit' },
  schema: CircuitAnnouncementClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    breaker: 'breaker',
    dependency: 'dependency',
    state: 'state',
    reason: ['reason', jsonValue],
    since: 'since',
    seq: 'seq',
    retry_after: 'retry_after',
    domain: 'domain',
  },
});

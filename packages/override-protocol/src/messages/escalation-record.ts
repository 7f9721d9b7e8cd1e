import { defineMessageType, IdentifierSchema, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';
import { ErrCodeSchema, issue, MESSAGE_LABELS, MessageShape } from './common.js';

/** The escalation steps, in the order they run (spec §11). */
export const EscalationStepSchema = z.enum(['notify', 'breaker_open', 'key_revoked', 'domain_isolated']);
/** An escalation step. */
export type EscalationStep = z.infer<typeof EscalationStepSchema>;

/** Escalation Record claims (spec §4.10). */
export const EscalationRecordClaimsSchema = z
  .object({
    ...MessageShape,
    pred: MessageShape.pred.min(1),
    signal: TaskIdSchema,
    agent: IdentifierSchema,
    step: EscalationStepSchema,
    outcome: z.enum(['done', 'failed']),
    code: ErrCodeSchema.optional(),
    targets: z.array(IdentifierSchema).max(10_000).optional(),
    domain: z.string().min(1).max(256).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.outcome === 'failed') !== (c.code !== undefined)) issue(ctx, 'code', 'code goes with a failed step only');
    if (c.domain !== undefined && c.step !== 'domain_isolated')
      issue(ctx, 'domain', 'domain goes with domain_isolated');
  });
/** Escalation Record claims. */
export type EscalationRecordClaims = z.infer<typeof EscalationRecordClaimsSchema>;

/**
 * The Escalation Record: one containment step the control plane took against an agent that did not comply
 * (spec §4.10, §11).
 */
export const escalationRecord = defineMessageType<EscalationRecordClaims>({
  name: 'ov-escalation',
  description: 'Escalation Record: a containment step taken against an agent that did not comply',
  dag: { execAct: 'ov.escalation', ext: (c) => ({ ov_signal: c.signal }) },
  schema: EscalationRecordClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    signal: 'signal',
    agent: 'agent',
    step: 'step',
    outcome: 'outcome',
    code: 'code',
    targets: 'targets',
    domain: 'domain',
  },
});

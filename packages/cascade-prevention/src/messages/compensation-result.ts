import {
  base64UrlBytes,
  defineMessageType,
  EpochSecondsSchema,
  Sha256B64uSchema,
  TaskIdSchema,
} from '@safety-net/core';
import * as z from 'zod';
import { expAfterIat, MESSAGE_LABELS, MessageShape, NameSchema, ReasonTextSchema } from './common.js';

/** How one compensation ended. */
export const CompensationOutcomeSchema = z.enum(['compensated', 'not_reversible', 'failed']);
/** A compensation outcome. */
export type CompensationOutcome = z.infer<typeof CompensationOutcomeSchema>;

/** Compensation Result claims (spec §2.6). */
export const CompensationResultClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema.optional(),
    rollback: NameSchema,
    task: TaskIdSchema,
    key: z.string().min(1).max(600),
    outcome: CompensationOutcomeSchema,
    state: z.optional(Sha256B64uSchema),
    reason: ReasonTextSchema.optional(),
    attempts: z.number().int().nonnegative().max(1_000_000),
  })
  .strict()
  .superRefine((c, ctx) => {
    expAfterIat(c, ctx);
    const compensated = c.outcome === 'compensated';
    if (compensated !== (c.state !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['state'], message: 'state goes with, and only with, compensated' });
    }
    if (!compensated && c.reason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a compensation that did not happen says why' });
    }
  });
/** Compensation Result claims. */
export type CompensationResultClaims = z.infer<typeof CompensationResultClaimsSchema>;

/** The Compensation Result: an agent's signed account of undoing one task of a rollback (spec §2.6). */
export const compensationResult = defineMessageType<CompensationResultClaims>({
  name: 'cp-compensation',
  description: 'Compensation Result: an agent’s account of undoing one task',
  dag: { execAct: 'cp.compensation' },
  schema: CompensationResultClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    rollback: 'rollback',
    task: 'task',
    key: 'key',
    outcome: 'outcome',
    state: ['state', base64UrlBytes],
    reason: 'reason',
    attempts: 'attempts',
  },
});

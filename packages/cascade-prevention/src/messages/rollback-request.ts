import { defineMessageType, EpochSecondsSchema, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';
import {
  expAfterIat,
  MAX_ROLLBACK_TASKS,
  MESSAGE_LABELS,
  MessageShape,
  NameSchema,
  ReasonTextSchema,
} from './common.js';

/** Which tasks a rollback covers (spec §6.1). */
export const RollbackScopeSchema = z.enum(['descendants', 'workflow']);
/** A rollback scope. */
export type RollbackScope = z.infer<typeof RollbackScopeSchema>;

/** Rollback Request claims (spec §2.4). */
export const RollbackRequestClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema.optional(),
    rollback: NameSchema,
    root_cause: TaskIdSchema,
    scope: RollbackScopeSchema,
    known_good: z.array(TaskIdSchema).max(MAX_ROLLBACK_TASKS),
    reason: ReasonTextSchema,
    deadline: EpochSecondsSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    expAfterIat(c, ctx);
    if (c.deadline <= c.iat) ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'deadline is not after iat' });
    if (c.known_good.includes(c.root_cause)) {
      ctx.addIssue({ code: 'custom', path: ['known_good'], message: 'the root cause cannot be known good' });
    }
  });
/** Rollback Request claims. */
export type RollbackRequestClaims = z.infer<typeof RollbackRequestClaimsSchema>;

/**
 * The Rollback Request: the coordinator's decision to revert the work that followed a faulty task (spec §2.4).
 * `rollback` is the idempotency key of the whole rollback.
 */
export const rollbackRequest = defineMessageType<RollbackRequestClaims>({
  name: 'cp-rollback-request',
  description: 'Rollback Request: revert the work that followed a faulty task, by a deadline',
  dag: { execAct: 'cp.rollback-request' },
  schema: RollbackRequestClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    rollback: 'rollback',
    root_cause: 'root_cause',
    scope: 'scope',
    known_good: 'known_good',
    reason: 'reason',
    deadline: 'deadline',
  },
});

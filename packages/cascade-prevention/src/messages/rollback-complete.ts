import { defineMessageType, EpochSecondsSchema, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';
import { expAfterIat, MAX_ROLLBACK_TASKS, MESSAGE_LABELS, MessageShape, NameSchema } from './common.js';

/** How a rollback ended: every step compensated; some not reversible (for a human decision); some failed. */
export const RollbackStatusSchema = z.enum(['completed', 'partial', 'failed']);
/** A rollback status. */
export type RollbackStatus = z.infer<typeof RollbackStatusSchema>;

const TaskListSchema = z.array(TaskIdSchema).max(MAX_ROLLBACK_TASKS);

/** The status a rollback's outcome lists imply (spec §2.7). */
export function rollbackStatus(c: { not_reversible: readonly string[]; failed: readonly string[] }): RollbackStatus {
  if (c.failed.length > 0) return 'failed';
  return c.not_reversible.length > 0 ? 'partial' : 'completed';
}

/** Rollback Complete claims (spec §2.7). */
export const RollbackCompleteClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema.optional(),
    rollback: NameSchema,
    status: RollbackStatusSchema,
    compensated: TaskListSchema,
    not_reversible: TaskListSchema,
    failed: TaskListSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    expAfterIat(c, ctx);
    if (c.status !== rollbackStatus(c))
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'status disagrees with the lists' });
    const seen = new Set<string>();
    for (const task of [...c.compensated, ...c.not_reversible, ...c.failed]) {
      if (seen.has(task)) ctx.addIssue({ code: 'custom', message: `task ${task} is listed twice` });
      seen.add(task);
    }
  });
/** Rollback Complete claims. */
export type RollbackCompleteClaims = z.infer<typeof RollbackCompleteClaimsSchema>;

/** The Rollback Complete: the coordinator's final summary of a rollback (spec §2.7). */
export const rollbackComplete = defineMessageType<RollbackCompleteClaims>({
  name: 'cp-rollback-complete',
  description: 'Rollback Complete: the final summary of a rollback',
  dag: { execAct: 'cp.rollback-complete' },
  schema: RollbackCompleteClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    rollback: 'rollback',
    status: 'status',
    compensated: 'compensated',
    not_reversible: 'not_reversible',
    failed: 'failed',
  },
});

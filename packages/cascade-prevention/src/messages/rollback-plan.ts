import { defineMessageType, EpochSecondsSchema, IdentifierSchema, jsonValue, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';
import { expAfterIat, MAX_ROLLBACK_TASKS, MESSAGE_LABELS, MessageShape, NameSchema, UndoSchema } from './common.js';

/** One step of a rollback plan: who undoes which task, how, under which idempotency key (spec §2.5). */
export const PlanStepSchema = z
  .object({
    step: z.number().int().nonnegative().max(MAX_ROLLBACK_TASKS),
    task: TaskIdSchema,
    agent: IdentifierSchema,
    resource: NameSchema,
    undo: UndoSchema,
    key: z.string().min(1).max(600),
    group: NameSchema.optional(),
  })
  .strict();
/** A plan step. */
export type PlanStep = z.infer<typeof PlanStepSchema>;

/** The idempotency key of the compensation of `task` within `rollback`. */
export function compensationKey(rollback: string, task: string): string {
  return `${rollback}/${task}`;
}

/** Rollback Plan claims (spec §2.5). */
export const RollbackPlanClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema.optional(),
    rollback: NameSchema,
    steps: z.array(PlanStepSchema).max(MAX_ROLLBACK_TASKS),
  })
  .strict()
  .superRefine((c, ctx) => {
    expAfterIat(c, ctx);
    const tasks = new Set<string>();
    c.steps.forEach((s, i) => {
      if (i > 0 && s.step <= c.steps[i - 1]!.step) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'step'], message: 'step numbers do not increase' });
      }
      if (s.key !== compensationKey(c.rollback, s.task)) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'key'], message: 'key is not "<rollback>/<task>"' });
      }
      if (tasks.has(s.task))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'task'], message: 'task appears twice' });
      tasks.add(s.task);
    });
  });
/** Rollback Plan claims. */
export type RollbackPlanClaims = z.infer<typeof RollbackPlanClaimsSchema>;

/** The Rollback Plan: the coordinator's ordered compensations, in reverse topological order (spec §2.5, §6.1). */
export const rollbackPlan = defineMessageType<RollbackPlanClaims>({
  name: 'cp-rollback-plan',
  description: 'Rollback Plan: the ordered compensations of a rollback',
  dag: { execAct: 'cp.rollback-plan' },
  schema: RollbackPlanClaimsSchema,
  labels: { ...MESSAGE_LABELS, rollback: 'rollback', steps: ['steps', jsonValue] },
});

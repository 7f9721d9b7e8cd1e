import { Sha256B64uSchema } from '@safety-net/core';
import * as z from 'zod';

/** Breaker, dependency, failure-domain, resource, action, group and rollback names. */
export const NameSchema = z.string().min(1).max(256);

/** A human-readable reason. */
export const ReasonTextSchema = z.string().max(1024);

/** Most task ids one rollback message lists; larger rollbacks are split by the coordinator. */
/**
 * Longest lifetime (`exp − iat`, seconds) of a plan excerpt a participant accepts, and of those a coordinator
 * signs: a participant remembers a completed plan this long, after which no excerpt of it can verify again.
 */
export const MAX_EXCERPT_LIFETIME_SECONDS = 86_400;

export const MAX_ROLLBACK_TASKS = 100_000;

/** Every message of this package is a node of the ECT DAG: core's shape and labels of such messages. */
export { DAG_MESSAGE_LABELS as MESSAGE_LABELS, DagMessageShape as MessageShape } from '@safety-net/core';

/** How to undo a task: the compensating action and the digest of its parameters (spec §2.3). */
export const CompensationSchema = z
  .object({
    action: NameSchema,
    params: Sha256B64uSchema,
    endpoint: z.string().min(1).max(2048).optional(),
  })
  .strict();
/** A compensating action. */
export type Compensation = z.infer<typeof CompensationSchema>;

/** A task's undo: a compensation, or `not_reversible` (reported for a human decision). */
export const UndoSchema = z.union([CompensationSchema, z.literal('not_reversible')]);
/** A task's undo. */
export type Undo = z.infer<typeof UndoSchema>;

/** `exp` must follow `iat` where a message carries both. */
export function expAfterIat(c: { iat: number; exp?: number | undefined }, ctx: z.RefinementCtx): void {
  if (c.exp !== undefined && c.exp <= c.iat)
    ctx.addIssue({ code: 'custom', path: ['exp'], message: 'exp is not after iat' });
}

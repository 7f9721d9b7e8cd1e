import {
  AudienceSchema,
  cwtLabels,
  DAG_LINK_LABELS,
  DagLinkShape,
  EpochSecondsSchema,
  IdentifierSchema,
  Sha256B64uSchema,
} from '@safety-net/core';
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

/** Claims every cascade-prevention message has: its issuer, times, audience and its place in the ECT DAG. */
export const MessageShape = {
  iss: IdentifierSchema,
  iat: EpochSecondsSchema,
  aud: AudienceSchema.optional(),
  ...DagLinkShape,
} as const;

/** CBOR labels of {@link MessageShape} and `exp`: core's CWT and DAG-link labels. */
export const MESSAGE_LABELS = { ...cwtLabels('iss', 'aud', 'exp', 'iat'), ...DAG_LINK_LABELS } as const;

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

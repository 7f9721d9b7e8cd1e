import {
  base64UrlBytes,
  defineMessageType,
  EpochSecondsSchema,
  IdentifierSchema,
  jsonValue,
  Sha256B64uSchema,
  TaskIdSchema,
} from '@safety-net/core';
import * as z from 'zod';
import { DecisionSchema, MAX_APPROVAL_LIFETIME } from './approval-request.js';
import {
  ActionCallSchema,
  checkLifetime,
  issue,
  MESSAGE_LABELS,
  MessageShape,
  ReasonTextSchema,
  RoleNameSchema,
} from './common.js';

/** Approval Decision claims (spec §4.6). */
export const ApprovalDecisionClaimsSchema = z
  .object({
    ...MessageShape,
    aud: IdentifierSchema.optional(),
    pred: MessageShape.pred.min(1),
    exp: EpochSecondsSchema,
    request: TaskIdSchema,
    act_digest: Sha256B64uSchema,
    role: RoleNameSchema,
    decision: DecisionSchema,
    edited: ActionCallSchema.optional(),
    edited_digest: z.optional(Sha256B64uSchema),
    message: ReasonTextSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkLifetime(c, MAX_APPROVAL_LIFETIME, ctx);
    if (c.pred[0] !== c.request) issue(ctx, 'pred', 'pred does not name the request first');
    const edit = c.decision === 'edit';
    if (edit !== (c.edited !== undefined) || edit !== (c.edited_digest !== undefined))
      issue(ctx, 'edited', 'edited and edited_digest go with, and only with, an edit');
  });
/** Approval Decision claims. */
export type ApprovalDecisionClaims = z.infer<typeof ApprovalDecisionClaimsSchema>;

/**
 * The Approval Decision: a human's signed answer to an Approval Request, verified with the operator keys of the
 * agent's authority policy (spec §4.6).
 */
export const approvalDecision = defineMessageType<ApprovalDecisionClaims>({
  name: 'ov-approval-decision',
  description: 'Approval Decision: an approver approves, edits or rejects the action of an Approval Request',
  dag: { execAct: 'ov.approval-decision', ext: (c) => ({ ov_act: c.act_digest }) },
  schema: ApprovalDecisionClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    request: 'request',
    act_digest: ['act_digest', base64UrlBytes],
    role: 'role',
    decision: 'decision',
    edited: ['edited', jsonValue],
    edited_digest: ['edited_digest', base64UrlBytes],
    message: 'message',
  },
});

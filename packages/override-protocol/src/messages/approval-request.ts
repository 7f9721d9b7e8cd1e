import {
  base64UrlBytes,
  defineMessageType,
  EpochSecondsSchema,
  jsonValue,
  Sha256B64uSchema,
  TaskIdSchema,
} from '@safety-net/core';
import * as z from 'zod';
import {
  ActionCallSchema,
  checkLifetime,
  MESSAGE_LABELS,
  MessageShape,
  ReasonTextSchema,
  RoleNameSchema,
} from './common.js';

/** Longest approval timeout (spec §4.11), seconds: seven days. */
export const MAX_APPROVAL_LIFETIME = 7 * 86_400;

/** What an approver may decide (spec §4.6). */
export const DecisionSchema = z.enum(['approve', 'edit', 'reject']);
/** An approval decision. */
export type Decision = z.infer<typeof DecisionSchema>;

/** Approval Request claims (spec §4.6). */
export const ApprovalRequestClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema,
    action: ActionCallSchema,
    act_digest: Sha256B64uSchema,
    approvers: z.array(RoleNameSchema).min(1),
    quorum: z.number().int().min(1).max(16).optional(),
    allowed: z.array(DecisionSchema).min(1),
    on_timeout: z.enum(['reject', 'escalate', 'approve']).optional(),
    explanation: z
      .object({ summary: ReasonTextSchema, evidence: z.array(TaskIdSchema).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => checkLifetime(c, MAX_APPROVAL_LIFETIME, ctx));
/** Approval Request claims. */
export type ApprovalRequestClaims = z.infer<typeof ApprovalRequestClaimsSchema>;

/**
 * The Approval Request: an agent asks before one action, with the roles that may decide and what happens at the
 * timeout (fail closed unless the policy allows otherwise) (spec §4.6).
 */
export const approvalRequest = defineMessageType<ApprovalRequestClaims>({
  name: 'ov-approval-request',
  description: 'Approval Request: an agent asks named roles to approve, edit or reject one action',
  dag: { execAct: 'ov.approval-request', ext: (c) => ({ ov_act: c.act_digest }) },
  schema: ApprovalRequestClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    action: ['action', jsonValue],
    act_digest: ['act_digest', base64UrlBytes],
    approvers: 'approvers',
    quorum: 'quorum',
    allowed: 'allowed',
    on_timeout: 'on_timeout',
    explanation: ['explanation', jsonValue],
  },
});

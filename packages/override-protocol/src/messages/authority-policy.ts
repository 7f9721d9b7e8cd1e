import { defineMessageType, EpochSecondsSchema, IdentifierSchema } from '@safety-net/core';
import * as z from 'zod';
import { Base64UrlTextSchema, bytesMembers } from './bytes-members.js';
import {
  ActionNameSchema,
  checkLifetime,
  issue,
  LevelSchema,
  MESSAGE_LABELS,
  MessageShape,
  RoleNameSchema,
} from './common.js';
import { ScopeKindSchema } from './override-signal.js';

/** Longest lifetime of a policy (spec §4.11): one year. */
export const MAX_POLICY_LIFETIME = 366 * 86_400;

/** An operator of the policy: their roles and their COSE_Key bytes, so verification needs no key server (§4.8). */
export const OperatorSchema = z
  .object({
    id: IdentifierSchema,
    roles: z.array(RoleNameSchema).min(1).max(16),
    keys: z.array(Base64UrlTextSchema).min(1).max(8),
  })
  .strict();
/** An operator. */
export type Operator = z.infer<typeof OperatorSchema>;

/** A grant: which roles may send which actions, at which levels, to which scopes (spec §4.8, §5.2). */
export const GrantSchema = z
  .object({
    roles: z.array(RoleNameSchema).min(1).max(16),
    levels: z.array(LevelSchema).min(1).max(3),
    actions: z.array(ActionNameSchema).min(1).max(7),
    scopes: z.array(ScopeKindSchema).min(1).max(4),
    targets: z.array(z.string()).min(1).max(100).optional(),
    propagate: z.boolean().optional(),
    quorum: z.number().int().min(1).max(16).optional(),
  })
  .strict();
/** A grant. */
export type Grant = z.infer<typeof GrantSchema>;

/** What an Approval Request does at its timeout (spec §8.4): fail closed, ask the next role, or fail open. */
export const TimeoutPolicySchema = z.enum(['reject', 'escalate', 'approve']);
/** A timeout policy. */
export type TimeoutPolicy = z.infer<typeof TimeoutPolicySchema>;

/**
 * Which roles must approve an action before it runs (spec §4.8, §8.4), and what its requests do at their timeout:
 * `approve` only with `fail_open`, and never for an action of `emergency` level.
 */
export const ApprovalRuleSchema = z
  .object({
    action: z.string(),
    approvers: z.array(RoleNameSchema).min(1).max(16),
    quorum: z.number().int().min(1).max(16).optional(),
    fail_open: z.boolean().optional(),
    on_timeout: TimeoutPolicySchema.optional(),
    level: LevelSchema.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.fail_open === true && r.level === 'emergency') {
      ctx.addIssue({ code: 'custom', path: ['fail_open'], message: 'an emergency-level action never fails open' });
    }
    if (r.on_timeout === 'approve' && r.fail_open !== true) {
      ctx.addIssue({ code: 'custom', path: ['on_timeout'], message: 'on_timeout approve needs fail_open' });
    }
  });
/** An approval rule. */
export type ApprovalRule = z.infer<typeof ApprovalRuleSchema>;

/** A revoked key as a policy lists it (spec §4.8, §5.5). */
export const RevokedKeySchema = z
  .object({ kid: Base64UrlTextSchema, operator: IdentifierSchema, revoked_at: EpochSecondsSchema })
  .strict();
/** A revoked key. */
export type RevokedKey = z.infer<typeof RevokedKeySchema>;

/** Authority Policy claims (spec §4.8), with the rules of §5.1. */
export const AuthorityPolicyClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema,
    pid: z.string().min(1).max(256),
    ver: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    operators: z.array(OperatorSchema).min(1).max(1000),
    grants: z.array(GrantSchema).min(1).max(1000),
    approvals: z.array(ApprovalRuleSchema).max(1000).optional(),
    revoked: z.array(RevokedKeySchema).max(10_000).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkLifetime(c, MAX_POLICY_LIFETIME, ctx);
    const ids = c.operators.map((o) => o.id);
    if (new Set(ids).size !== ids.length) issue(ctx, 'operators', 'two operators share an id');
    const keys = c.operators.flatMap((o) => [...new Set(o.keys)]);
    if (new Set(keys).size !== keys.length) issue(ctx, 'operators', 'a key is listed under two operators');
    const held = new Set(c.operators.flatMap((o) => o.roles));
    const named = [...c.grants.flatMap((g) => g.roles), ...(c.approvals ?? []).flatMap((a) => a.approvers)];
    const orphan = named.find((r) => !held.has(r));
    if (orphan !== undefined) issue(ctx, 'grants', `no operator holds role ${orphan}`);
  });
/** Authority Policy claims. */
export type AuthorityPolicyClaims = z.infer<typeof AuthorityPolicyClaimsSchema>;

/**
 * The Authority Policy: who may override what, as signed, versioned data every agent holds locally, so that an
 * Emergency signal is judged without a network (spec §4.8, §5).
 */
export const authorityPolicy = defineMessageType<AuthorityPolicyClaims>({
  name: 'ov-policy',
  description: 'Authority Policy: the operators, their keys and roles, and what each role may order',
  dag: { execAct: 'ov.policy' },
  schema: AuthorityPolicyClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    pid: 'pid',
    ver: 'ver',
    operators: ['operators', bytesMembers('keys')],
    grants: ['grants', bytesMembers()],
    approvals: ['approvals', bytesMembers()],
    revoked: ['revoked', bytesMembers('kid')],
  },
});

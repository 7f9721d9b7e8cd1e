import {
  base64UrlBytes,
  canonicalJson,
  decodeSign1,
  defineMessageType,
  EpochSecondsSchema,
  fromBase64Url,
  IdentifierSchema,
  jsonValue,
  Sha256B64uSchema,
  TaskIdSchema,
} from '@safety-net/core';
import * as z from 'zod';
import {
  type ActionName,
  ActionNameSchema,
  checkLifetime,
  DAY_SECONDS,
  hasNoMembers,
  issue,
  type Level,
  LevelSchema,
  MESSAGE_LABELS,
  MessageShape,
  ParamsSchema,
  PolicyRefSchema,
  ReasonTextSchema,
  RoleNameSchema,
} from './common.js';

/** Most holds one `resume` or `release` lifts (spec §3.2). */
export const MAX_LIFTS = 100;
/** Largest canonical JSON of a signal's `action.params` (spec §4.11). */
export const MAX_PARAMS_BYTES = 16 * 1024;
/** Largest COSE_Sign1 a `constrain` carries as its profile (spec §3.2). */
export const MAX_PROFILE_BYTES = 32 * 1024;

/** The actions that lift holds; every other action is restrictive (spec §2). */
export const LIFTING_ACTIONS: ReadonlySet<ActionName> = new Set(['resume', 'release']);

/** The levels each action may be sent at (spec §3.2): Emergency is reserved for `stop`. */
export const LEVELS_OF_ACTION: Readonly<Record<ActionName, readonly Level[]>> = {
  pause: ['advisory', 'mandatory'],
  stop: ['advisory', 'mandatory', 'emergency'],
  constrain: ['advisory', 'mandatory'],
  rollback: ['mandatory'],
  takeover: ['mandatory'],
  resume: ['mandatory'],
  release: ['mandatory'],
};

const none = z.object({}).strict();
const profileParam = z
  .string()
  .refine((text) => isSign1(text), { message: 'profile is not base64url of a COSE_Sign1 of at most 32 KiB' });
/** The parameters each action takes (spec §3.2); rollback's follow the Rollback Request of cascade prevention. */
const PARAMS_OF_ACTION: Readonly<Record<ActionName, z.ZodType>> = {
  pause: none,
  stop: none,
  resume: none,
  release: none,
  constrain: z.object({ profile: profileParam }).strict(),
  rollback: z
    .object({
      root_cause: TaskIdSchema,
      scope: z.enum(['descendants', 'workflow']),
      known_good: z.array(TaskIdSchema).max(100_000),
    })
    .strict()
    .refine((p) => !p.known_good.includes(p.root_cause), { message: 'the root cause cannot be known good' }),
  takeover: z.object({ to: IdentifierSchema, task: TaskIdSchema }).strict(),
};

function isSign1(text: string): boolean {
  try {
    const bytes = fromBase64Url(text);
    if (bytes.length > MAX_PROFILE_BYTES) return false;
    decodeSign1(bytes);
    return true;
  } catch {
    return false;
  }
}

/** What a signal does: an action name and its parameters (spec §4.1). */
export const ActionSchema = z.object({ name: ActionNameSchema, params: ParamsSchema }).strict();
/** A signal's action. */
export type Action = z.infer<typeof ActionSchema>;

/** The kinds of scope a signal addresses (spec §4.1). */
export const ScopeKindSchema = z.enum(['agent', 'workflow', 'task', 'domain']);
/** A scope kind. */
export type ScopeKind = z.infer<typeof ScopeKindSchema>;

/** Whom a signal addresses (spec §4.1). */
export const ScopeSchema = z
  .object({ kind: ScopeKindSchema, target: IdentifierSchema, propagate: z.boolean() })
  .strict();
/** A signal's scope. */
export type Scope = z.infer<typeof ScopeSchema>;

/** Override Signal claims (spec §4.1). */
export const OverrideSignalClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema,
    ctl: IdentifierSchema,
    epoch: EpochSecondsSchema,
    seq: EpochSecondsSchema,
    role: RoleNameSchema,
    level: LevelSchema,
    action: ActionSchema,
    act_digest: Sha256B64uSchema,
    scope: ScopeSchema,
    reason: ReasonTextSchema,
    deadline: EpochSecondsSchema,
    category: z.union([z.literal(0), z.literal(1)]).optional(),
    lifts: z.array(TaskIdSchema).min(1).max(MAX_LIFTS).optional(),
    policy: PolicyRefSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    checkLifetime(c, DAY_SECONDS, ctx);
    if (c.deadline < c.iat || c.deadline > c.exp) issue(ctx, 'deadline', 'deadline is not between iat and exp');
    const name = c.action.name;
    if (!LEVELS_OF_ACTION[name].includes(c.level)) issue(ctx, 'level', `${name} cannot be sent at ${c.level}`);
    if ((name === 'stop') !== (c.category !== undefined)) issue(ctx, 'category', 'category goes with stop only');
    if (LIFTING_ACTIONS.has(name) !== (c.lifts !== undefined))
      issue(ctx, 'lifts', 'lifts go with resume and release only');
    const params = PARAMS_OF_ACTION[name].safeParse(c.action.params);
    if (!params.success) issue(ctx, 'action', `parameters of ${name}: ${params.error.issues[0]?.message}`);
    // Parameters without members, as most actions have, are `{}` in canonical form: nothing to measure.
    else if (!hasNoMembers(c.action.params) && canonicalJson(c.action.params).length > MAX_PARAMS_BYTES)
      issue(ctx, 'action', 'parameters over 16 KiB');
    if (name === 'takeover') {
      const task = (c.action.params as { task?: string }).task;
      if (c.scope.kind !== 'task' || c.scope.target !== task)
        issue(ctx, 'scope', 'a takeover scopes the task it takes');
    }
  });
/** Override Signal claims. */
export type OverrideSignalClaims = z.infer<typeof OverrideSignalClaimsSchema>;

/**
 * The Override Signal: an operator's signed order to an agent, at one of three levels (spec §4.1). Its `ctl`,
 * `epoch` and `seq` place it in its control plane's order, so that a stale lift never undoes a newer stop.
 *
 * @example
 * ```ts
 * const bytes = overrideSignal.sign(claims, operatorKey);
 * ```
 */
export const overrideSignal = defineMessageType<OverrideSignalClaims>({
  name: 'ov-signal',
  description: 'Override Signal: an operator orders an agent to pause, stop, constrain, roll back or hand over',
  dag: { execAct: 'ov.signal', ext: (c) => ({ ov_signal: c.jti, ov_act: c.act_digest }) },
  schema: OverrideSignalClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    ctl: 'ctl',
    epoch: 'epoch',
    seq: 'seq',
    role: 'role',
    level: 'level',
    action: ['action', jsonValue],
    act_digest: ['act_digest', base64UrlBytes],
    scope: ['scope', jsonValue],
    reason: 'reason',
    deadline: 'deadline',
    category: 'category',
    lifts: 'lifts',
    policy: ['policy', jsonValue],
  },
});

import { base64UrlBytes, EpochSecondsSchema, Sha256B64uSchema, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';

/** A human-readable reason (`reason-text`, spec §4). */
export const ReasonTextSchema = z.string().max(1024);

/** A role of the authority policy (`role-name`, spec §4). */
export const RoleNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'role name');

/** An error code carried in a message (`err-code`, spec §4). */
export const ErrCodeSchema = z.string().regex(/^ERR_[A-Z0-9_]{1,64}$/, 'error code');

/** The three override levels (spec §3.1). */
export const LevelSchema = z.enum(['advisory', 'mandatory', 'emergency']);
/** An override level. */
export type Level = z.infer<typeof LevelSchema>;

/** The seven override actions (spec §3.2). */
export const ActionNameSchema = z.enum(['pause', 'resume', 'constrain', 'stop', 'rollback', 'takeover', 'release']);
/** An override action's name. */
export type ActionName = z.infer<typeof ActionNameSchema>;

/** Deepest nesting of a `json-value` (spec §4). */
export const MAX_JSON_DEPTH = 16;

/** True for a `json-value`: JSON with integers only (decimals travel as strings), at most {@link MAX_JSON_DEPTH} deep. */
function isJsonValue(value: unknown, depth: number): boolean {
  if (depth > MAX_JSON_DEPTH) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isSafeInteger(value);
  if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((v) => isJsonValue(v, depth + 1));
}

/** Tool or action parameters: text keys to `json-value`s. */
export const ParamsSchema = z.record(z.string(), z.unknown()).refine((p) => isJsonValue(p, 1), {
  message: 'parameters are not JSON with integer numbers, at most 16 deep',
});

/** True for parameters whose RFC 8785 form is `{}`: a plain object without members and without `toJSON`. */
export function hasNoMembers(params: object): boolean {
  if (typeof params !== 'object' || params === null || Object.getPrototypeOf(params) !== Object.prototype) return false;
  for (const _ in params) return false;
  return typeof (params as { toJSON?: unknown }).toJSON !== 'function';
}

/** A tool call an Approval Request gates or a Hand-off lists as pending (`action-call`, spec §4.6). */
export const ActionCallSchema = z.object({ name: z.string().min(1).max(256), params: ParamsSchema }).strict();
/** A tool call. */
export type ActionCall = z.infer<typeof ActionCallSchema>;

/** An order `[epoch, seq]` (spec §6), compared lexicographically. */
export const OrderSchema = z.tuple([EpochSecondsSchema, EpochSecondsSchema]);
/** An order `[epoch, seq]`. */
export type Order = z.infer<typeof OrderSchema>;

/** The authority policy a message relied on (`policy-ref`, spec §4.1). */
export const PolicyRefSchema = z.object({ pid: z.string().min(1).max(256), ver: EpochSecondsSchema }).strict();
/** A reference to an authority policy version. */
export type PolicyRef = z.infer<typeof PolicyRefSchema>;

/** Most entries of the bounded lists of an agent's state and acknowledgement (spec §4.3). */
export const MAX_STATE_ENTRIES = 1000;

/** The guard's modes (spec §8.1), least restrictive first. */
export const ModeSchema = z.enum(['running', 'constrained', 'paused', 'safe_state', 'stopping', 'stopped']);
/** A guard mode. */
export type Mode = z.infer<typeof ModeSchema>;

/** An agent's state as it reports it in acknowledgements and heartbeats (`agent-state`, spec §4.3). */
export const AgentStateSchema = z
  .object({
    mode: ModeSchema,
    order: OrderSchema,
    holds: z.array(TaskIdSchema).max(MAX_STATE_ENTRIES),
    profile: z.optional(Sha256B64uSchema),
    last_ect: TaskIdSchema.optional(),
    lease_exp: EpochSecondsSchema.optional(),
  })
  .strict();
/** An agent's reported state. */
export type AgentState = z.infer<typeof AgentStateSchema>;

/** Every message of this package is a node of the ECT DAG: core's shape and labels of such messages. */
export { DAG_MESSAGE_LABELS as MESSAGE_LABELS, DagMessageShape as MessageShape } from '@safety-net/core';

/** Adds an issue at `path` to a refinement. */
export function issue(ctx: z.RefinementCtx, path: string, message: string): void {
  ctx.addIssue({ code: 'custom', path: [path], message });
}

/** `exp` after `iat`, and no later than `maxLifetime` seconds after it, where the message carries an `exp`. */
export function checkLifetime(
  c: { iat: number; exp?: number | undefined },
  maxLifetime: number,
  ctx: z.RefinementCtx,
): void {
  if (c.exp === undefined) return;
  if (c.exp <= c.iat) issue(ctx, 'exp', 'exp is not after iat');
  else if (c.exp - c.iat > maxLifetime) issue(ctx, 'exp', `lifetime over ${maxLifetime} s`);
}

/** Seconds in a day: the longest lifetime of a signal (spec §4.11). */
export const DAY_SECONDS = 86_400;

/**
 * CBOR labels of the claims by which an answer to a signal names it: the signal's `jti` and its action digest
 * (acknowledgements, evidence and hand-offs).
 */
export const SIGNAL_REF_LABELS = { signal: 'signal', act_digest: ['act_digest', base64UrlBytes] } as const;

/** The DAG-node declaration of an answer to a signal: its `exec_act`, and the signal it answers in `ect_ext`. */
export function answersSignal(execAct: string) {
  return {
    execAct,
    ext: (c: { readonly signal: string; readonly act_digest: string }) => ({
      ov_signal: c.signal,
      ov_act: c.act_digest,
    }),
  };
}

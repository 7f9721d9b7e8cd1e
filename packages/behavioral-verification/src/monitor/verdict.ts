import { RESPONSES, type Response, type ViolationClass } from '../rules/schema.js';

/** A JSON value, as violations report what was seen and what was allowed. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** One broken rule. */
export interface Violation {
  /** The rule's id (`actions.unlisted` for an action no rule lists). */
  readonly rule: string;
  readonly class: ViolationClass;
  /** The ECT task id of the offending action. */
  readonly jti: string;
  /** What was seen: the value, count, sum or statistic. */
  readonly observed: JsonValue;
  /** What the rule allows. */
  readonly allowed: JsonValue;
}

/** What to do with the action: go ahead, stop it, or hold it for a human. */
export type Decision = 'allow' | 'block' | 'escalate';

/** The monitor's judgement of one observation. */
export interface Verdict {
  readonly jti: string;
  readonly decision: Decision;
  /** Every rule the action breaks, in rule-kind then profile order. */
  readonly violations: readonly Violation[];
  /** The escalation responses the violations call for, deduplicated, mildest first. */
  readonly responses: readonly Response[];
}

const BLOCKING: ReadonlySet<Response> = new Set(['block', 'trip_breaker', 'request_emergency_override']);

/**
 * The decision the responses imply: `block` when any blocks (block, trip a breaker, request an emergency
 * override), else `escalate` for human approval, else `allow` (record and alert do not stop the action).
 */
export function decide(responses: ReadonlySet<Response>): { decision: Decision; responses: Response[] } {
  const list = RESPONSES.filter((r) => responses.has(r));
  let decision: Decision = 'allow';
  if (list.some((r) => BLOCKING.has(r))) decision = 'block';
  else if (responses.has('require_human_approval')) decision = 'escalate';
  return { decision, responses: list };
}

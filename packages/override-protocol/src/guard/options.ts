import type { PastAction, Rules } from '@safety-net/behavioral-verification';
import type { Clock, KeyResolver, PrivateKey, PublicKey, RandomSource } from '@safety-net/core';
import { optionChecks } from '@safety-net/core/internal';
import { ovError } from '../errors.js';
import { MAX_APPROVAL_LIFETIME } from '../messages/approval-request.js';
import type { Scope } from '../messages/override-signal.js';
import { type ApprovalOptions, DEFAULT_APPROVAL_TIMEOUT } from './approval-gate.js';
import { DEFAULT_LAPSE_SKEW, type LeaseOptions, MAX_LAPSE_SKEW } from './lapse.js';
import type { OverrideStateStore } from './state-store.js';
import type { CaptureState } from './takeover.js';

/** An action the guard is asked to run: a tool call, with where it runs so that scoped holds can cover it. */
export interface GuardAction {
  /** The action's name (its work ECT's `exec_act`). */
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** The task (ECT `jti`) the action belongs to. */
  readonly task?: string;
  /** The workflow (`wid`) the action belongs to. */
  readonly workflow?: string;
}

/**
 * A compiled constraint: runs an action under the enforced profile, rejecting — without calling `run` — one the
 * profile does not allow (see {@link monitorConstraint}).
 */
export type ConstraintCheck = (<T>(action: GuardAction, run: () => Promise<T>) => Promise<T>) & {
  /** The digest of the profile it enforces, which acknowledgements and heartbeats report (spec §4.3). */
  readonly profile?: string;
  /**
   * The rules it enforces, by which the guard checks that a later `constrain` only narrows them (spec §8.1). A check
   * without them cannot be shown to be narrowed, so no other profile replaces it.
   */
  readonly rules?: Rules;
};

/** Options of one {@link OverrideGuard.run} call. */
export interface RunOptions {
  /** Aborts a wait for approval (the request stays pending) and is handed on to nothing else. */
  readonly signal?: AbortSignal;
}

/** Timers for the category 1 grace, injectable so that tests need not wait. */
export interface GuardTimers {
  set(ms: number, run: () => void): unknown;
  clear(handle: unknown): void;
}

/** Options of {@link OverrideGuard.open}. */
export interface GuardOptions {
  /** The agent's id: the target of agent-scoped signals and the `iss` of its acknowledgements. */
  readonly agent: string;
  /** The agent's signing key, for acknowledgements. */
  readonly key: PrivateKey;
  /** Where the guard's state lives (spec §8.5); read before the guard lets any action run. */
  readonly store: OverrideStateStore;
  /** The policy authority's key: a local key, never a remote resolver (spec §14). */
  readonly authority: PublicKey | KeyResolver;
  /** The Authority Policy to start from when the store holds none. */
  readonly policy?: Uint8Array;
  /** The failure domains the agent belongs to, for domain-scoped signals. */
  readonly domains?: readonly string[];
  /**
   * Whether the agent is in a workflow or task scope (spec §7.5): it holds a task of the workflow, or runs the task.
   * Default: a workflow or task of an action it has run since it started. The default remembers every such id and
   * never forgets one (forgetting a workflow would refuse its stop as out of scope): an agent that runs an unbounded
   * number of workflows passes its own, answering from where it keeps its tasks.
   */
  readonly inScope?: (scope: Scope) => boolean;
  /**
   * Compiles a `constrain` signal's profile (COSE_Sign1 bytes) into a check run before each action; throws when
   * the profile does not verify or compile. Without it, the guard cannot enforce a constraint and pauses instead.
   * `past` are the actions the constraint's scope ran before it takes effect, oldest first, which its rate and
   * budget windows must count so that a narrowing grants no fresh allowance (spec §8.1).
   */
  readonly constrain?: (profile: Uint8Array, past: readonly PastAction[]) => ConstraintCheck;
  /** Called with every acknowledgement the guard signs after answering the signal (a stop's final `complied`). */
  readonly onAcknowledgement?: (ack: Uint8Array) => void;
  /** The dead-man's switch (spec §9): with it, the agent works only under a live lease of this control plane. */
  readonly lease?: LeaseOptions;
  /** Approval gates (spec §8.4): the policy's `approvals` rules always gate; these add the agent's own. */
  readonly approvals?: ApprovalOptions;
  /**
   * Captures the in-flight state of a task a human takes over (spec §4.7), once the task has halted; the guard signs
   * the Hand-off from it. Without it, or when it throws, the takeover is answered `cannot_comply` and the task stays
   * taken over.
   */
  readonly handOff?: CaptureState;
  /** Called with every Hand-off the guard signs, to deliver it to the human and the control plane. */
  readonly onHandoff?: (handoff: Uint8Array) => void;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly timers?: GuardTimers;
}

/** Refuses options that cannot work, with `ERR_OV_CONFIG_INVALID`. */
export function checkGuardOptions(options: GuardOptions): void {
  const fail = (what: string) => {
    throw ovError('ERR_OV_CONFIG_INVALID', what);
  };
  if (typeof options?.agent !== 'string' || options.agent.length === 0) fail('agent must be a non-empty id');
  if (typeof options.key !== 'object' || options.key === null) fail('key must be the agent’s private key');
  if (typeof options.store?.load !== 'function' || typeof options.store.commit !== 'function') {
    fail('store must be an OverrideStateStore');
  }
  if (typeof options.authority !== 'object' || options.authority === null) fail('authority must be a key');
  const { int, name } = optionChecks((detail) => ovError('ERR_OV_CONFIG_INVALID', detail));
  if (options.lease !== undefined) {
    name(options.lease.ctl, 'lease.ctl');
    if (typeof options.lease.key !== 'object' || options.lease.key === null) fail('lease.key must be a key');
    int(options.lease.lapseSkew, 'lease.lapseSkew', 0, MAX_LAPSE_SKEW, DEFAULT_LAPSE_SKEW);
    const safe = options.lease.initialSafeState;
    if (safe !== undefined && safe !== 'pause' && safe !== 'stop') fail('lease.initialSafeState must be pause or stop');
  }
  int(options.approvals?.timeout, 'approvals.timeout', 1, MAX_APPROVAL_LIFETIME, DEFAULT_APPROVAL_TIMEOUT);
  // Failing open is the authority policy's to allow (spec §8.4): an agent cannot grant it to itself.
  if (options.approvals?.rules?.some((r) => r.fail_open === true || r.on_timeout === 'approve')) {
    fail('approvals.rules: only the authority policy’s rules may fail open');
  }
}

import { type PrivateKey, type RandomSource, randomUuid } from '@safety-net/core';
import { ovError } from '../errors.js';
import { actionDigest } from '../messages/action-digest.js';
import { approvalDecision } from '../messages/approval-decision.js';
import { type ApprovalRequestClaims, approvalRequest } from '../messages/approval-request.js';
import type { ApprovalRule, TimeoutPolicy } from '../messages/authority-policy.js';
import {
  type ApprovalOptions,
  type CountedDecision,
  checkDecision,
  DEFAULT_APPROVAL_TIMEOUT,
  type DecisionContext,
  gateOutcome,
  verifyDecision,
} from './approval-gate.js';
import { claimsOf } from './decode.js';
import type { GuardAction, GuardTimers } from './options.js';
import type { PendingApproval, StateChange } from './state-store.js';

/** One caller waiting at a gate. */
interface Waiter {
  readonly action: GuardAction;
  resolve(action: GuardAction): void;
  reject(error: unknown): void;
}

/** An Approval Request still open. */
interface Gate {
  readonly claims: ApprovalRequestClaims;
  record: PendingApproval;
  readonly counted: CountedDecision[];
  waiter?: Waiter;
  timer?: unknown;
}

/** What the gates need of their guard. */
export interface GateHost {
  readonly agent: string;
  readonly key: PrivateKey;
  readonly random: RandomSource;
  readonly timers: GuardTimers;
  readonly options: ApprovalOptions | undefined;
  /** The policy, revocations and time decisions are judged with. */
  context(): DecisionContext;
  /** Persists a change (the guard's store, fail closed). */
  commit(change: StateChange): Promise<void>;
  /** Throws the mode's code when a hold now covers the action. */
  admit(action: GuardAction): void;
  /** The rule that gates an action now: a timeout applies the current policy, not the one of the request. */
  ruleFor(name: string): ApprovalRule | undefined;
}

/** What a request's timeout led to: the action runs (fail open), a request to the next role, or a refusal. */
type Expiry = 'open' | 'closed' | Gate;

/**
 * The approval gates of a guard (spec §8.4): an action a rule gates waits for verified decisions of its request;
 * decisions are bound to exactly one action by its digest; the timeout fails closed; requests and the decisions
 * counted for them are stored, so a restarted agent never runs a gated action unapproved.
 */
export class ApprovalGates {
  readonly #host: GateHost;
  readonly #open = new Map<string, Gate>();
  /** Requests decided or timed out: a decision for one of them is too late. */
  readonly #closed = new Set<string>();

  constructor(host: GateHost) {
    this.#host = host;
  }

  /** Restores the requests a restarted guard had stored, with the decisions already counted. */
  restore(pending: readonly PendingApproval[]): void {
    for (const record of pending) {
      const claims = claimsOf(approvalRequest, record.request);
      // Each decision was verified when it came, and its signer is its iss (verifyDecision checks that).
      const counted = record.decisions.map((d) => {
        const decision = claimsOf(approvalDecision, d);
        return { operator: decision.iss, claims: decision };
      });
      this.#arm({ claims, record, counted });
    }
  }

  /** The Approval Requests still waiting for decisions. */
  pending(): Uint8Array[] {
    return [...this.#open.values()].map((g) => g.record.request);
  }

  /**
   * Waits until the action's gate opens and answers the action to run — the approved one, or the edited one —, or
   * rejects: `ERR_OV_APPROVAL_REJECTED`, `ERR_OV_APPROVAL_TIMEOUT`, the mode's code when a hold comes meanwhile, or
   * the reason of `signal`. A request stored before a restart for the same action and place is waited on again.
   */
  async approve(action: GuardAction, rule: ApprovalRule, signal?: AbortSignal): Promise<GuardAction> {
    signal?.throwIfAborted();
    const call = { name: action.name, params: action.params ?? {} };
    const digest = actionDigest(call);
    const wid = action.workflow ?? `ov:${this.#host.agent}`;
    const pred = action.task !== undefined ? [action.task] : [];
    let gate = [...this.#open.values()].find(
      (g) =>
        g.waiter === undefined &&
        g.claims.act_digest === digest &&
        g.claims.wid === wid &&
        g.claims.pred.join('\n') === pred.join('\n'),
    );
    if (gate === undefined) gate = await this.#request({ call, digest, wid, pred }, rule, 0);
    if (this.#host.context().now > gate.claims.exp) {
      const expiry = await this.#expire(gate);
      if (expiry === 'open') return action;
      if (expiry === 'closed') throw timedOut(gate);
      return this.approve(action, rule, signal); // waits on the request to the next role
    }
    const decided = this.#outcome(gate);
    if (decided) return decided(action);
    const open = gate;
    return new Promise<GuardAction>((resolve, reject) => {
      const onAbort = () => {
        // The waiter may have moved to an escalated request meanwhile.
        for (const g of this.#open.values()) if (g.waiter === waiter) g.waiter = undefined;
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      const waiter: Waiter = {
        action,
        resolve: (a) => {
          done();
          resolve(a);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      open.waiter = waiter;
    });
  }

  /**
   * Counts a verified Approval Decision for its open request and opens or closes the gate when it decides. A
   * decision already counted (a replay) changes nothing. `ERR_OV_APPROVAL_MISMATCH` for a request that is not
   * open (decided, timed out or unknown) and as {@link checkDecision} says.
   */
  async accept(bytes: Uint8Array): Promise<void> {
    const context = this.#host.context();
    const decision = verifyDecision(bytes, context);
    const gate = this.#open.get(decision.claims.request);
    if (gate === undefined) {
      const why = this.#closed.has(decision.claims.request) ? 'was decided or timed out' : 'is not pending here';
      throw ovError('ERR_OV_APPROVAL_MISMATCH', `request ${decision.claims.request} ${why}`);
    }
    if (gate.counted.some((d) => d.claims.jti === decision.claims.jti)) return;
    if (context.now > gate.claims.exp) {
      await this.#timeout(gate);
      throw ovError('ERR_OV_APPROVAL_MISMATCH', `request ${gate.claims.jti} timed out`);
    }
    checkDecision(decision.claims, gate.claims, context.now);
    gate.counted.push(decision);
    gate.record = { ...gate.record, decisions: [...gate.record.decisions, bytes] };
    await this.#host.commit({ approval: gate.record });
    if (gate.waiter) {
      const settle = this.#outcome(gate);
      if (settle) {
        const waiter = gate.waiter;
        gate.waiter = undefined;
        settle(waiter.action).then(waiter.resolve, waiter.reject);
      }
    }
  }

  /** Aborts the waits whose action a hold now covers, with the mode's code (spec §8.4). */
  abortBlocked(): void {
    for (const gate of this.#open.values()) {
      const waiter = gate.waiter;
      if (!waiter) continue;
      try {
        this.#host.admit(waiter.action);
      } catch (e) {
        gate.waiter = undefined;
        waiter.reject(e);
      }
    }
  }

  /** Stops the timeout timers. */
  close(): void {
    for (const gate of this.#open.values()) if (gate.timer !== undefined) this.#host.timers.clear(gate.timer);
  }

  /**
   * Signs and stores a request for the action. Under an `escalate` rule, tier `i` asks the rule's `i`-th role alone
   * (the next one at each timeout); otherwise every role of the rule may decide.
   */
  async #request(place: RequestPlace, rule: ApprovalRule, tier: number): Promise<Gate> {
    const { call, digest, wid, pred } = place;
    const { now } = this.#host.context();
    const onTimeout = timeoutPolicy(rule);
    const claims: ApprovalRequestClaims = {
      iss: this.#host.agent,
      iat: now,
      exp: now + (this.#host.options?.timeout ?? DEFAULT_APPROVAL_TIMEOUT),
      jti: `ov-apr-${randomUuid(this.#host.random)}`,
      wid,
      pred: [...pred],
      action: call as ApprovalRequestClaims['action'],
      act_digest: digest,
      approvers: onTimeout === 'escalate' ? [rule.approvers[tier]!] : [...rule.approvers],
      ...(rule.quorum !== undefined ? { quorum: rule.quorum } : {}),
      allowed: ['approve', 'edit', 'reject'],
      on_timeout: onTimeout,
    };
    const request = approvalRequest.sign(claims, this.#host.key);
    const gate: Gate = { claims, record: { jti: claims.jti, request, decisions: [] }, counted: [] };
    await this.#host.commit({ approval: gate.record });
    this.#arm(gate);
    this.#host.options?.onRequest?.(request);
    return gate;
  }

  /** Opens a gate and its timeout timer. */
  #arm(gate: Gate): void {
    this.#open.set(gate.claims.jti, gate);
    const ms = Math.max(0, gate.claims.exp * 1000 - this.#host.context().now * 1000);
    gate.timer = this.#host.timers.set(ms, () => {
      gate.timer = undefined;
      this.#timeout(gate).catch(() => {});
    });
  }

  /** What a gate's decisions decide, as the settlement of a waiter (the gate is then closed), or undefined while undecided. */
  #outcome(gate: Gate): ((action: GuardAction) => Promise<GuardAction>) | undefined {
    const outcome = gateOutcome(gate.claims, gate.counted);
    if (outcome === undefined) return undefined;
    return async (action) => {
      await this.#close(gate);
      if (outcome.kind === 'rejected') {
        throw ovError('ERR_OV_APPROVAL_REJECTED', outcome.message ?? `${action.name} was rejected`);
      }
      // An edit runs the edited action instead: the same name, the approver's parameters.
      return { ...action, params: outcome.action.params };
    };
  }

  /** A request's timeout came: its waiter runs, moves to the next role's request, or is refused. */
  async #timeout(gate: Gate): Promise<void> {
    if (!this.#open.has(gate.claims.jti)) return;
    const waiter = gate.waiter;
    gate.waiter = undefined;
    const expiry = await this.#expire(gate);
    if (waiter === undefined) return;
    if (expiry === 'open') waiter.resolve(waiter.action);
    else if (expiry === 'closed') waiter.reject(timedOut(gate));
    else expiry.waiter = waiter;
  }

  /**
   * Closes a timed-out request and applies its timeout policy (spec §8.4) under the rule that gates the action now:
   * `approve` only while that rule still lets it fail open, `escalate` to the rule's next role while one is left;
   * everything else fails closed.
   */
  async #expire(gate: Gate): Promise<Expiry> {
    await this.#close(gate);
    const { claims } = gate;
    const rule = this.#host.ruleFor(claims.action.name);
    if (rule === undefined || claims.on_timeout !== timeoutPolicy(rule)) return 'closed';
    if (claims.on_timeout === 'approve') return 'open';
    if (claims.on_timeout !== 'escalate') return 'closed';
    const tier = rule.approvers.indexOf(claims.approvers[0]!) + 1;
    if (tier === 0 || tier >= rule.approvers.length) return 'closed';
    const place = { call: claims.action, digest: claims.act_digest, wid: claims.wid, pred: claims.pred };
    return this.#request(place, rule, tier);
  }

  async #close(gate: Gate): Promise<void> {
    if (gate.timer !== undefined) this.#host.timers.clear(gate.timer);
    this.#open.delete(gate.claims.jti);
    this.#closed.add(gate.claims.jti);
    await this.#host.commit({ closeApproval: gate.claims.jti });
  }
}

/** The action a request is for and where it runs. */
interface RequestPlace {
  readonly call: ApprovalRequestClaims['action'];
  readonly digest: string;
  readonly wid: string;
  readonly pred: readonly string[];
}

/**
 * The timeout policy a rule's requests carry: `approve` only where the rule fails open and is not of `emergency`
 * level (the policy schema refuses the combination; an agent's own rules never fail open), else fail closed.
 */
export function timeoutPolicy(rule: ApprovalRule): TimeoutPolicy {
  const policy = rule.on_timeout ?? 'reject';
  if (policy === 'approve' && (rule.fail_open !== true || rule.level === 'emergency')) return 'reject';
  return policy;
}

function timedOut(gate: Gate) {
  return ovError('ERR_OV_APPROVAL_TIMEOUT', `no approval of ${gate.claims.action.name} by ${gate.claims.exp}`);
}

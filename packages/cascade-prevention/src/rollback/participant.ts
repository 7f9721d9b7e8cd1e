import {
  type Clock,
  DEFAULT_CLOCK_SKEW_SECONDS,
  epochSeconds,
  isSafetyNetError,
  type KeyResolver,
  type PrivateKey,
  type RandomSource,
  randomUuid,
  systemClock,
  systemRandom,
} from '@safety-net/core';
import { cpError } from '../errors.js';
import { MAX_EXCERPT_LIFETIME_SECONDS } from '../messages/common.js';
import { type CompensationResultClaims, compensationResult } from '../messages/compensation-result.js';
import { rollbackComplete } from '../messages/rollback-complete.js';
import { type PlanStep, type RollbackPlanClaims, rollbackPlan } from '../messages/rollback-plan.js';
import { type CompensationRecord, MemoryCompensationRecord } from './compensation-record.js';
import { Fence, type FenceHolder, holderKey } from './fence.js';

/** What a compensation handler is asked to do: undo `step.task` on `step.resource`. */
export interface CompensationRequest {
  readonly rollback: string;
  /** The fence this compensation runs under: pass it to `fence.check(resource, holder)` to get past that fence only. */
  readonly holder: FenceHolder;
  readonly step: PlanStep;
  /** The idempotency key: use it in the handler's own transaction where the effect is stored. */
  readonly key: string;
  /** 1 for the first run of this key, 2 for the next … */
  readonly attempt: number;
  readonly signal: AbortSignal;
}

/**
 * Undoes one task and returns the digest (base64url SHA-256) of the resource's state afterwards. Throw
 * `ERR_CP_NOT_REVERSIBLE` when it cannot be undone after all; any other throw is a failed attempt that the
 * coordinator may retry. An attempt must leave the resource as it was when it fails.
 */
export type CompensationHandler = (request: CompensationRequest) => Promise<{ state: string }>;

/** Options of a {@link RollbackParticipant}. */
export interface ParticipantOptions {
  /** This agent's identifier: the `agent` of its plan steps and the `iss` of its results. */
  readonly agent: string;
  /** Signs Compensation Results. */
  readonly key: PrivateKey;
  /** Keys of the coordinators this agent takes rollbacks from (bind them to the coordinators' issuers). */
  readonly coordinators: KeyResolver;
  /** Handlers by compensating action (`undo.action` of a checkpoint). */
  readonly handlers: Readonly<Record<string, CompensationHandler>>;
  /** Idempotency record; default in memory. Use a durable one when compensations are not idempotent. */
  readonly record?: CompensationRecord;
  readonly fence?: Fence;
  readonly clock?: Clock;
  readonly random?: RandomSource;
}

/**
 * The agent side of a rollback (spec §6.3–6.5): verifies the coordinator's plan excerpts, fences the resources
 * under rollback, runs each compensation exactly once per idempotency key and signs its Compensation Result.
 *
 * @example
 * ```ts
 * const participant = new RollbackParticipant({ agent, key, coordinators, handlers: { 'payment.refund': refund } });
 * participant.fence.check('ledger/order-1001'); // before any new work on that resource
 * ```
 */
export class RollbackParticipant {
  readonly agent: string;
  readonly fence: Fence;
  readonly #options: ParticipantOptions;
  readonly #record: CompensationRecord;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  /** Compensations running now, by key: a second request for the same key waits for the first. */
  readonly #inFlight = new Map<string, Promise<Uint8Array>>();
  /**
   * Fence holders whose Rollback Complete was applied, with the time (seconds) after which no excerpt of their plan
   * can verify: until then a replayed excerpt must not fence again what the rollback released.
   */
  readonly #ended = new Map<string, number>();

  constructor(options: ParticipantOptions) {
    this.agent = options.agent;
    this.#options = options;
    this.fence = options.fence ?? new Fence();
    this.#record = options.record ?? new MemoryCompensationRecord();
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
  }

  /** Verifies an excerpt with this agent's steps and fences their resources for the rollback. */
  async raiseFences(excerpt: Uint8Array): Promise<void> {
    const plan = this.#verifyExcerpt(excerpt);
    const holder = holderOf(plan);
    if (this.#ended.has(holderKey(holder))) {
      throw cpError('ERR_CP_ROLLBACK_CONFLICT', `plan ${holder.plan} of ${holder.rollback} is already complete`);
    }
    this.fence.raise(
      holder,
      plan.steps.map((s) => s.resource),
    );
  }

  /** Verifies an excerpt holding one step, compensates it once, and returns the signed Compensation Result. */
  async compensate(excerpt: Uint8Array, signal: AbortSignal = new AbortController().signal): Promise<Uint8Array> {
    const plan = this.#verifyExcerpt(excerpt);
    if (plan.steps.length !== 1) throw cpError('ERR_CP_PLAN_INVALID', 'a compensation excerpt holds exactly one step');
    const step = plan.steps[0]!;
    const running = this.#inFlight.get(step.key);
    if (running) return running;
    const work = this.#compensateOnce(plan, step, signal).finally(() => this.#inFlight.delete(step.key));
    this.#inFlight.set(step.key, work);
    return work;
  }

  /**
   * Verifies a Rollback Complete from a trusted coordinator and lifts the fences that coordinator raised for the
   * plan the Complete names (its first `pred`). A Complete of another coordinator or another plan of a rollback
   * with the same name is `ERR_CP_ROLLBACK_CONFLICT` and lifts nothing.
   */
  async releaseFences(complete: Uint8Array): Promise<void> {
    const result = rollbackComplete.verify(complete, { key: this.#options.coordinators, clock: this.#clock });
    if (!result.ok) throw result.error;
    const { iss, iat, pred, rollback } = result.claims;
    const plan = pred[0];
    if (plan === undefined)
      throw cpError('ERR_CP_PLAN_INVALID', 'a Rollback Complete names its plan as its first predecessor');
    const holder = { rollback, coordinator: iss, plan };
    this.fence.releaseBy(holder);
    // Every excerpt of the plan was signed before its Complete and lives at most the longest excerpt lifetime.
    const now = epochSeconds(this.#clock);
    for (const [key, until] of this.#ended) if (until < now) this.#ended.delete(key);
    this.#ended.set(holderKey(holder), iat + MAX_EXCERPT_LIFETIME_SECONDS + DEFAULT_CLOCK_SKEW_SECONDS);
  }

  #verifyExcerpt(excerpt: Uint8Array): RollbackPlanClaims {
    const result = rollbackPlan.verify(excerpt, {
      key: this.#options.coordinators,
      audience: this.agent,
      clock: this.#clock,
    });
    if (!result.ok) throw result.error;
    const plan = result.claims;
    if (plan.pred.length !== 1)
      throw cpError('ERR_CP_PLAN_INVALID', 'an excerpt names exactly the full plan as its predecessor');
    if (plan.exp === undefined || plan.exp - plan.iat > MAX_EXCERPT_LIFETIME_SECONDS) {
      throw cpError('ERR_CP_PLAN_INVALID', `an excerpt expires within ${MAX_EXCERPT_LIFETIME_SECONDS} s of its iat`);
    }
    const foreign = plan.steps.find((s) => s.agent !== this.agent);
    if (foreign) throw cpError('ERR_CP_PLAN_INVALID', `step ${foreign.step} is for ${foreign.agent}`);
    return plan;
  }

  async #compensateOnce(plan: RollbackPlanClaims, step: PlanStep, signal: AbortSignal): Promise<Uint8Array> {
    const known = await this.#record.get(step.key);
    if (known?.result) return known.result;
    const handler = step.undo === 'not_reversible' ? undefined : this.#options.handlers[step.undo.action];
    if (!handler) {
      const reason =
        step.undo === 'not_reversible' ? 'the checkpoint says the task is not reversible' : 'no handler for the action';
      return this.#final(plan, step, { outcome: 'not_reversible', reason, attempts: known?.attempts ?? 0 });
    }
    if (signal.aborted) throw cpError('ERR_CP_ABORTED');
    const attempt = await this.#record.addAttempt(step.key);
    try {
      const { state } = await handler({
        rollback: plan.rollback,
        holder: holderOf(plan),
        step,
        key: step.key,
        attempt,
        signal,
      });
      return await this.#final(plan, step, { outcome: 'compensated', state, attempts: attempt });
    } catch (e) {
      if (isSafetyNetError(e, 'ERR_CP_NOT_REVERSIBLE')) {
        return this.#final(plan, step, { outcome: 'not_reversible', reason: e.message, attempts: attempt });
      }
      const reason = isSafetyNetError(e) ? e.code : e instanceof Error ? e.message : String(e);
      return this.#sign(plan, step, { outcome: 'failed', reason: reason.slice(0, 1024), attempts: attempt });
    }
  }

  /** Signs a final result and records it under the key before it is returned. */
  async #final(plan: RollbackPlanClaims, step: PlanStep, outcome: Outcome): Promise<Uint8Array> {
    const bytes = this.#sign(plan, step, outcome);
    await this.#record.setResult(step.key, bytes);
    return bytes;
  }

  #sign(plan: RollbackPlanClaims, step: PlanStep, outcome: Outcome): Uint8Array {
    const claims: CompensationResultClaims = {
      iss: this.agent,
      iat: epochSeconds(this.#clock),
      jti: randomUuid(this.#random),
      wid: plan.wid,
      pred: [step.task, plan.pred[0]!],
      rollback: plan.rollback,
      task: step.task,
      key: step.key,
      ...outcome,
    };
    return compensationResult.sign(claims, this.#options.key);
  }
}

type Outcome = Pick<CompensationResultClaims, 'outcome' | 'state' | 'reason' | 'attempts'>;

/** Who fences for a verified plan excerpt: its coordinator, for the full plan its `pred` names. */
function holderOf(plan: RollbackPlanClaims): FenceHolder {
  return { rollback: plan.rollback, coordinator: plan.iss, plan: plan.pred[0]! };
}

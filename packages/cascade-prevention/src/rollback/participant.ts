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
import { Fence, type FenceHolder } from './fence.js';
import { MemoryParticipantStore } from './memory-participant-store.js';
import type { ParticipantStore } from './participant-store.js';

/** What a compensation handler is asked to do: undo `step.task` on `step.resource`. */
export interface CompensationRequest<Tx = unknown> {
  readonly rollback: string;
  /** The fence this compensation runs under: pass it to `fence.check(resource, holder)` to get past that fence only. */
  readonly holder: FenceHolder;
  readonly step: PlanStep;
  /** The idempotency key: use it in the handler's own transaction where the effect is stored. */
  readonly key: string;
  /** 1 for the first run of this key, 2 for the next … */
  readonly attempt: number;
  readonly signal: AbortSignal;
  /**
   * Runs `effect` — the handler's writes, given the participant store's transaction — and records this step's
   * result in the same transaction: a participant killed at any point has done both or neither, so the task is
   * never compensated twice. Resolves to what `effect` returned. Call it once, as the handler's last act.
   */
  commit<R extends { readonly state: string }>(effect: (tx: Tx) => R | Promise<R>): Promise<R>;
}

/**
 * Undoes one task and returns the digest (base64url SHA-256) of the resource's state afterwards. Throw
 * `ERR_CP_NOT_REVERSIBLE` when it cannot be undone after all; any other throw is a failed attempt that the
 * coordinator may retry. An attempt must leave the resource as it was when it fails.
 */
export type CompensationHandler<Tx = unknown> = (request: CompensationRequest<Tx>) => Promise<{ state: string }>;

/** Options of a {@link RollbackParticipant}. */
export interface ParticipantOptions<Tx = unknown> {
  /** This agent's identifier: the `agent` of its plan steps and the `iss` of its results. */
  readonly agent: string;
  /** Signs Compensation Results. */
  readonly key: PrivateKey;
  /** Keys of the coordinators this agent takes rollbacks from (bind them to the coordinators' issuers). */
  readonly coordinators: KeyResolver;
  /** Handlers by compensating action (`undo.action` of a checkpoint). */
  readonly handlers: Readonly<Record<string, CompensationHandler<Tx>>>;
  /**
   * Fences, completed plans, lease tokens and the idempotency record. Default in memory (lost with the process);
   * use `SqliteParticipantStore` or `PostgresParticipantStore` so that a restarted participant keeps its fences
   * and compensates nothing twice.
   */
  readonly store?: ParticipantStore<Tx>;
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
export class RollbackParticipant<Tx = unknown> {
  readonly agent: string;
  readonly fence: Fence;
  readonly #options: ParticipantOptions<Tx>;
  readonly #store: ParticipantStore<Tx>;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  /** Compensations running now, by key: a second request for the same key waits for the first. */
  readonly #inFlight = new Map<string, Promise<Uint8Array>>();
  /** Calls running now: {@link RollbackParticipant.close} waits for them. */
  readonly #running = new Set<Promise<unknown>>();
  #opened: Promise<void> | undefined;
  #closed = false;

  constructor(options: ParticipantOptions<Tx>) {
    this.agent = options.agent;
    this.#options = options;
    this.fence = options.fence ?? new Fence();
    this.#store = options.store ?? (new MemoryParticipantStore() as unknown as ParticipantStore<Tx>);
    // Until the stored fences are read back, every resource counts as fenced.
    if (options.store) this.fence.awaitLoad();
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
  }

  /**
   * Reads the fences the store holds back into {@link RollbackParticipant.fence}; until then every `fence.check` refuses. Every call
   * below opens the participant first; call it at start-up to accept new work as soon as possible.
   */
  open(): Promise<void> {
    this.#opened ??= this.#store.fences().then((stored) => this.fence.load(stored));
    return this.#opened;
  }

  /**
   * Stops taking calls (they fail with `ERR_CP_ABORTED`) and resolves once the calls already running have
   * finished: their results are recorded before it resolves.
   */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /** Verifies an excerpt with this agent's steps and fences their resources for the rollback. */
  raiseFences(excerpt: Uint8Array, options: ParticipantCallOptions = {}): Promise<void> {
    return this.#call(async () => {
      const plan = this.#verifyExcerpt(excerpt);
      const holder = holderOf(plan);
      await this.#store.observeLease(holder, options.lease ?? 0);
      const resources = plan.steps.map((s) => s.resource);
      if (!(await this.#store.raise(holder, resources))) {
        throw cpError('ERR_CP_ROLLBACK_CONFLICT', `plan ${holder.plan} of ${holder.rollback} is already complete`);
      }
      this.fence.raise(holder, resources);
    });
  }

  /** Verifies an excerpt holding one step, compensates it once, and returns the signed Compensation Result. */
  compensate(
    excerpt: Uint8Array,
    signal: AbortSignal = new AbortController().signal,
    options: ParticipantCallOptions = {},
  ): Promise<Uint8Array> {
    return this.#call(async () => {
      const { plan, step } = await this.#oneStep(excerpt, options);
      const running = this.#inFlight.get(step.key);
      if (running) return running;
      const work = this.#compensateOnce(plan, step, signal).finally(() => this.#inFlight.delete(step.key));
      this.#inFlight.set(step.key, work);
      return work;
    });
  }

  /**
   * The final result recorded for the excerpt's one step, or undefined when there is none: what a coordinator asks
   * before it gives a step up, without running the compensation.
   */
  resultOf(excerpt: Uint8Array, options: ParticipantCallOptions = {}): Promise<Uint8Array | undefined> {
    return this.#call(async () => {
      const { step } = await this.#oneStep(excerpt, options);
      return (await this.#store.get(step.key))?.result;
    });
  }

  /**
   * Verifies a Rollback Complete from a trusted coordinator and lifts the fences that coordinator raised for the
   * plan the Complete names (its first `pred`). A Complete of another coordinator or another plan of a rollback
   * with the same name is `ERR_CP_ROLLBACK_CONFLICT` and lifts nothing.
   */
  releaseFences(complete: Uint8Array, options: ParticipantCallOptions = {}): Promise<void> {
    return this.#call(async () => {
      const result = rollbackComplete.verify(complete, { key: this.#options.coordinators, clock: this.#clock });
      if (!result.ok) throw result.error;
      const { iss, iat, pred, rollback } = result.claims;
      const plan = pred[0];
      if (plan === undefined)
        throw cpError('ERR_CP_PLAN_INVALID', 'a Rollback Complete names its plan as its first predecessor');
      const holder = { rollback, coordinator: iss, plan };
      await this.#store.observeLease(holder, options.lease ?? 0);
      this.fence.releaseBy(holder);
      // Every excerpt of the plan was signed before its Complete and lives at most the longest excerpt lifetime.
      const until = iat + MAX_EXCERPT_LIFETIME_SECONDS + DEFAULT_CLOCK_SKEW_SECONDS;
      await this.#store.end(holder, until, epochSeconds(this.#clock));
    });
  }

  /** Operator: lifts every fence of `rollback`, whoever raised it, in the store and in {@link RollbackParticipant.fence}. */
  async releaseRollback(rollback: string): Promise<void> {
    await this.open();
    await this.#store.releaseRollback(rollback);
    this.fence.release(rollback);
  }

  /** Runs a call once the participant is open, unless it is closing; {@link RollbackParticipant.close} waits for it. */
  #call<T>(run: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(cpError('ERR_CP_ABORTED', `${this.agent} is closing`));
    const work = this.open().then(run);
    this.#running.add(work);
    const done = () => this.#running.delete(work);
    work.then(done, done);
    return work;
  }

  /** A verified one-step excerpt of a plan not yet complete, its lease token taken note of. */
  async #oneStep(excerpt: Uint8Array, options: ParticipantCallOptions) {
    const plan = this.#verifyExcerpt(excerpt);
    if (plan.steps.length !== 1) throw cpError('ERR_CP_PLAN_INVALID', 'a compensation excerpt holds exactly one step');
    const holder = holderOf(plan);
    // A complete plan's records may be gone: answering from them, or compensating again, would be wrong.
    if (await this.#store.ended(holder))
      throw cpError('ERR_CP_ROLLBACK_CONFLICT', `plan ${holder.plan} of ${holder.rollback} is already complete`);
    await this.#store.observeLease(holder, options.lease ?? 0);
    return { plan, step: plan.steps[0]! };
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
    const known = await this.#store.get(step.key);
    if (known?.result) return known.result;
    const holder = holderOf(plan);
    const handler = step.undo === 'not_reversible' ? undefined : this.#options.handlers[step.undo.action];
    if (!handler) {
      const reason =
        step.undo === 'not_reversible' ? 'the checkpoint says the task is not reversible' : 'no handler for the action';
      return this.#final(plan, step, { outcome: 'not_reversible', reason, attempts: known?.attempts ?? 0 });
    }
    if (signal.aborted) throw cpError('ERR_CP_ABORTED');
    const attempt = await this.#store.addAttempt(step.key, holder);
    let committed: Uint8Array | undefined;
    const commit = async <R extends { readonly state: string }>(effect: (tx: Tx) => R | Promise<R>): Promise<R> => {
      if (committed) throw cpError('ERR_CP_CONFIG_INVALID', 'commit is called once per compensation');
      const sign = (value: R) =>
        this.#sign(plan, step, { outcome: 'compensated', state: value.state, attempts: attempt });
      const done = await this.#store.commit(step.key, holder, effect, sign);
      committed = done.result;
      if (!done.ran) throw cpError('ERR_CP_ROLLBACK_CONFLICT', `${step.key} was compensated by another instance`);
      return done.value;
    };
    try {
      const { state } = await handler({
        rollback: plan.rollback,
        holder,
        step,
        key: step.key,
        attempt,
        signal,
        commit,
      });
      if (committed) return committed;
      return await this.#final(plan, step, { outcome: 'compensated', state, attempts: attempt });
    } catch (e) {
      // Once the effect and its result are committed, nothing the handler does afterwards undoes them.
      if (committed) return committed;
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
    await this.#store.setResult(step.key, bytes, holderOf(plan));
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

/** What transports call on a participant, whatever its store's transaction type. */
export type ParticipantEndpoint = Pick<
  RollbackParticipant,
  'agent' | 'raiseFences' | 'compensate' | 'resultOf' | 'releaseFences'
>;

/** Per-call options of a participant: what the transport carries besides the signed message. */
export interface ParticipantCallOptions {
  /** The coordinator's lease token (spec §6.6); absent counts as 0. */
  readonly lease?: number;
}

type Outcome = Pick<CompensationResultClaims, 'outcome' | 'state' | 'reason' | 'attempts'>;

/** Who fences for a verified plan excerpt: its coordinator, for the full plan its `pred` names. */
function holderOf(plan: RollbackPlanClaims): FenceHolder {
  return { rollback: plan.rollback, coordinator: plan.iss, plan: plan.pred[0]! };
}

import {
  type CborValue,
  dagNodeOf,
  encodeCbor,
  epochSeconds,
  isSafetyNetError,
  randomUuid,
  readClock,
  sha256,
  snError,
  toBase64Url,
  uniformSource,
} from '@safety-net/core';
import { openDuration } from '../breaker/backoff.js';
import { cpError } from '../errors.js';
import { type CompensationResultClaims, compensationResult } from '../messages/compensation-result.js';
import { type RollbackCompleteClaims, rollbackComplete, rollbackStatus } from '../messages/rollback-complete.js';
import { type PlanStep, type RollbackPlanClaims, rollbackPlan } from '../messages/rollback-plan.js';
import { type RollbackRequestClaims, rollbackRequest } from '../messages/rollback-request.js';
import type { Timer } from '../policy/timer.js';
import {
  type CoordinatorOptions,
  type ResolvedCoordinatorOptions,
  resolveCoordinatorOptions,
} from './coordinator-options.js';
import { planRollback } from './plan.js';
import type { StepState, StoredRollback } from './store.js';
import { readStoredMessage } from './stored-message.js';
import type { ParticipantAddress } from './transport.js';

/** What the caller asks for: the request claims the coordinator does not fill in itself. */
export type RollbackInput = Pick<
  RollbackRequestClaims,
  'rollback' | 'root_cause' | 'scope' | 'known_good' | 'reason' | 'deadline'
> &
  Partial<Pick<RollbackRequestClaims, 'aud'>>;

/** How a rollback ended, with every signed message it produced. */
export interface RollbackOutcome
  extends Pick<RollbackCompleteClaims, 'rollback' | 'status' | 'compensated' | 'not_reversible' | 'failed'> {
  readonly request: Uint8Array;
  readonly plan: Uint8Array;
  /** The signed Compensation Results that settled steps, in plan order. */
  readonly results: readonly Uint8Array[];
  readonly complete: Uint8Array;
  /**
   * True once every participant acknowledged the Rollback Complete (fences lifted). False leaves the releases
   * pending in the store: {@link RollbackCoordinator.resume} sends them again.
   */
  readonly released: boolean;
}

/** Per-call options of {@link RollbackCoordinator.rollback} and {@link RollbackCoordinator.resume}. */
export interface RollbackRunOptions {
  /**
   * Stops the run: the call in flight is aborted and the run rejects with `ERR_CP_ABORTED`, leaving the rollback
   * in the store for a later `resume()`.
   */
  readonly signal?: AbortSignal;
}

/** Progress, for logs and timelines. */
export type CoordinatorEvent =
  | { readonly type: 'planned'; readonly rollback: string; readonly steps: number }
  | { readonly type: 'fenced'; readonly rollback: string; readonly agent: string; readonly ok: boolean }
  | {
      readonly type: 'attempt';
      readonly rollback: string;
      readonly step: PlanStep;
      readonly attempt: number;
      readonly error?: string;
    }
  | {
      readonly type: 'settled';
      readonly rollback: string;
      readonly step: PlanStep;
      readonly status: StepState['status'];
    }
  | { readonly type: 'completed'; readonly rollback: string; readonly status: RollbackCompleteClaims['status'] }
  | { readonly type: 'released'; readonly rollback: string; readonly agent: string }
  | { readonly type: 'release-failed'; readonly rollback: string; readonly agent: string; readonly error: string };

/**
 * The rollback coordinator (spec §6.2): plans a rollback over the ECT DAG from the tasks' checkpoints, stores its
 * progress durably, fences the participants, has each task compensated in reverse topological order with
 * idempotency keys, retries and the request's deadline, and signs the final Rollback Complete. Killed at any point
 * and restarted over the same store, {@link resume} finishes the work without compensating a task twice.
 *
 * @example
 * ```ts
 * const coordinator = new RollbackCoordinator({ iss, key, dag, checkpoints, participants, transport, store });
 * const outcome = await coordinator.rollback({ rollback: 'rb-1', root_cause: badTask, scope: 'descendants',
 *   known_good: [], reason: 'bad inventory batch', deadline: now + 120 });
 * outcome.status; // 'completed' | 'partial' | 'failed'
 * ```
 */
export class RollbackCoordinator {
  readonly #o: ResolvedCoordinatorOptions;
  readonly #onEvent: (event: CoordinatorEvent) => void;
  /** Jitter draws for retry delays, from `random`. */
  readonly #uniform: () => number;
  /** Aborted by {@link RollbackCoordinator.close}: runs stop before their next call. */
  readonly #closing = new AbortController();
  readonly #runs = new Set<Promise<unknown>>();

  constructor(options: CoordinatorOptions & { readonly onEvent?: (event: CoordinatorEvent) => void }) {
    this.#o = resolveCoordinatorOptions(options);
    this.#onEvent = options.onEvent ?? (() => {});
    this.#uniform = uniformSource(this.#o.random);
  }

  /**
   * Starts a rollback, or continues the one stored under the same id with the same content (`ERR_CP_ROLLBACK_
   * CONFLICT` when the content differs). Planning errors (`ERR_CP_CHECKPOINT_MISSING`, `ERR_CP_PLAN_INVALID`, …)
   * are thrown before anything is stored or sent.
   */
  rollback(input: RollbackInput, options: RollbackRunOptions = {}): Promise<RollbackOutcome> {
    return this.#track(() => this.#start(input, options.signal ?? new AbortController().signal));
  }

  async #start(input: RollbackInput, signal: AbortSignal): Promise<RollbackOutcome> {
    const o = this.#o;
    const root = o.dag.get(input.root_cause);
    if (!root) throw snError('ERR_ECT_NODE_NOT_FOUND', input.root_cause);
    const digest = requestDigest(input, root.wid);
    const existing = await o.store.load(input.rollback);
    if (existing) return this.#run(sameContent(existing, digest), signal);

    const iat = epochSeconds(o.clock);
    const request: RollbackRequestClaims = {
      iss: o.iss,
      iat,
      jti: randomUuid(o.random),
      wid: root.wid,
      pred: [input.root_cause],
      ...input,
    };
    const requestBytes = rollbackRequest.sign(request, o.key);
    const planned = planRollback(o.dag, request, o.checkpoints, o.plan);
    const plan: RollbackPlanClaims = {
      iss: o.iss,
      iat,
      jti: randomUuid(o.random),
      wid: root.wid,
      pred: [request.jti],
      rollback: input.rollback,
      steps: planned.steps.map((s) => ({ ...s })),
    };
    const planBytes = rollbackPlan.sign(plan, o.key);
    const stored = await o.store.create({
      rollback: input.rollback,
      digest,
      request: requestBytes,
      plan: planBytes,
      steps: plan.steps.map((s) => s.step),
    });
    this.#onEvent({ type: 'planned', rollback: input.rollback, steps: plan.steps.length });
    return this.#run(sameContent(stored, digest), signal);
  }

  /**
   * Finishes every rollback the store holds unfinished (after a restart), oldest first, including releases still
   * pending; rollbacks whose lease another live instance holds are left to it. Call it at start-up, and again
   * later (e.g. on a timer) while outcomes come back with `released: false`.
   */
  resume(options: RollbackRunOptions = {}): Promise<RollbackOutcome[]> {
    return this.#track(() => this.#resume(options.signal ?? new AbortController().signal));
  }

  /**
   * Stops taking rollbacks (they fail with `ERR_CP_ABORTED`), lets each call in flight finish and record its
   * result, then stops the runs before their next call (they reject with `ERR_CP_ABORTED`; `resume()` finishes
   * them later). Resolves once every run has stopped.
   */
  async close(): Promise<void> {
    this.#closing.abort(cpError('ERR_CP_ABORTED', 'the coordinator is closing'));
    while (this.#runs.size > 0) await Promise.allSettled([...this.#runs]);
  }

  async #resume(signal: AbortSignal): Promise<RollbackOutcome[]> {
    const outcomes: RollbackOutcome[] = [];
    for (const id of await this.#o.store.unfinished()) {
      const stored = await this.#o.store.load(id);
      if (!stored) continue;
      try {
        outcomes.push(await this.#run(stored, signal));
      } catch (e) {
        if (!isSafetyNetError(e, 'ERR_CP_LEASE_LOST')) throw e;
      }
    }
    return outcomes;
  }

  /** Starts a run unless the coordinator is closing (a closed coordinator starts nothing), and tracks it. */
  #track<T>(start: () => Promise<T>): Promise<T> {
    const work = this.#closing.signal.aborted ? Promise.reject(this.#closing.signal.reason) : start();
    this.#runs.add(work);
    const done = () => this.#runs.delete(work);
    work.then(done, done);
    return work;
  }

  async #run(stored: StoredRollback, signal: AbortSignal): Promise<RollbackOutcome> {
    const o = this.#o;
    const run: Run = {
      rollback: stored.rollback,
      signal,
      closing: this.#closing.signal,
      token: 0,
    };
    await this.#lease(run);
    const request = readStoredMessage(rollbackRequest, stored.request);
    const plan = readStoredMessage(rollbackPlan, stored.plan);
    this.#record(() => dagNodeOf(rollbackRequest, request));
    this.#record(() => dagNodeOf(rollbackPlan, plan));
    for (const s of stored.steps) {
      if (s.result && s.status !== 'failed')
        this.#record(() => dagNodeOf(compensationResult, readStoredMessage(compensationResult, s.result!)));
    }
    const byAgent = groupByAgent(plan.steps);

    let complete = stored.complete;
    if (!complete) {
      for (const [agent, steps] of byAgent) await this.#fence(run, plan, request.deadline, { agent, steps });
      const states = new Map(stored.steps.map((s) => [s.step, s]));
      for (const step of plan.steps) {
        const state = states.get(step.step)!;
        if (state.status === 'pending') await this.#compensate(run, plan, request.deadline, step, state.attempts);
      }
      complete = await this.#complete(plan, (await o.store.load(plan.rollback))!);
    }
    const claims = readStoredMessage(rollbackComplete, complete);
    this.#record(() => dagNodeOf(rollbackComplete, claims));
    const released = stored.released || (await this.#release(run, byAgent, complete));
    const final = (await o.store.load(plan.rollback))!;
    return {
      rollback: plan.rollback,
      status: claims.status,
      compensated: claims.compensated,
      not_reversible: claims.not_reversible,
      failed: claims.failed,
      request: stored.request,
      plan: stored.plan,
      results: final.steps.flatMap((s) => (s.result ? [s.result] : [])),
      complete,
      released,
    };
  }

  /**
   * Sends Rollback Complete to every participant, each with the retry policy (not bound by the deadline: a fence
   * left up blocks work). Marks the rollback released once all acknowledged; otherwise it stays pending for the
   * next `resume()`, and every failure is a `release-failed` event.
   */
  async #release(run: Run, byAgent: Map<string, PlanStep[]>, complete: Uint8Array): Promise<boolean> {
    let all = true;
    for (const [agent, steps] of byAgent) {
      try {
        await this.#retrying(run, undefined, (signal, lease) =>
          this.#o.transport.releaseFences({ agent, steps }, complete, signal, lease),
        );
        this.#onEvent({ type: 'released', rollback: run.rollback, agent });
      } catch (e) {
        if (!isSafetyNetError(e) || stopped(e, run)) throw e;
        all = false;
        this.#onEvent({ type: 'release-failed', rollback: run.rollback, agent, error: e.message });
      }
    }
    if (all) await this.#o.store.markReleased(run.rollback);
    return all;
  }

  async #fence(run: Run, plan: RollbackPlanClaims, deadline: number, to: ParticipantAddress): Promise<void> {
    const ok = await this.#retrying(run, deadline, (signal, lease) =>
      this.#o.transport.raiseFences(to, this.#excerpt(plan, to), signal, lease),
    ).then(
      () => true,
      (e: unknown) => {
        if (stopped(e, run)) throw e;
        return false;
      },
    );
    // An unfenced participant is still asked to compensate: its steps fail on their own if it is unreachable.
    this.#onEvent({ type: 'fenced', rollback: plan.rollback, agent: to.agent, ok });
  }

  /**
   * Calls until a final result, the attempt limit or the deadline. A call counts against the limit only once it
   * came back with a failure, so crashes of the coordinator consume nothing; before a step is given up, the
   * participant is asked for the result it may have recorded meanwhile.
   */
  async #compensate(run: Run, plan: RollbackPlanClaims, deadline: number, step: PlanStep, done: number): Promise<void> {
    const o = this.#o;
    const to = { agent: step.agent, steps: [step] };
    let lastReason = 'no call came back';
    let lastResult: Uint8Array | undefined;
    for (let attempts = done; ; ) {
      const remaining = deadline * 1000 - readClock(o.clock);
      if (remaining <= 0) {
        lastReason = `ERR_CP_DEADLINE_EXCEEDED after ${attempts} calls; last: ${lastReason}`;
        break;
      }
      if (attempts >= o.retry.attempts) break;
      try {
        await this.#lease(run);
        const bytes = await withTimeout(o.timer, Math.min(o.callTimeoutMs, remaining), run.signal, (signal) =>
          o.transport.compensate(to, this.#excerpt(plan, to), signal, run.token),
        );
        const result = this.#checkResult(plan, step, bytes);
        if (result.outcome !== 'failed') {
          await this.#settled(plan, step, attempts + 1, bytes, result);
          return;
        }
        attempts = await o.store.addAttempt(plan.rollback, step.step);
        lastReason = result.reason ?? 'failed';
        lastResult = bytes;
      } catch (e) {
        if (!isSafetyNetError(e) || stopped(e, run)) throw e;
        attempts = await o.store.addAttempt(plan.rollback, step.step);
        lastReason = e.message;
      }
      this.#onEvent({ type: 'attempt', rollback: plan.rollback, step, attempt: attempts, error: lastReason });
      if (attempts < o.retry.attempts) await this.#sleep(run, this.#delay(attempts));
    }
    const recorded = await this.#askResult(run, plan, step);
    if (recorded) {
      await this.#settled(plan, step, undefined, recorded.bytes, recorded.result);
      return;
    }
    await o.store.settle(plan.rollback, step.step, {
      status: 'failed',
      reason: lastReason.slice(0, 1024),
      ...(lastResult ? { result: lastResult } : {}),
    });
    this.#onEvent({ type: 'settled', rollback: plan.rollback, step, status: 'failed' });
  }

  async #settled(
    plan: RollbackPlanClaims,
    step: PlanStep,
    attempt: number | undefined,
    bytes: Uint8Array,
    result: CompensationResultClaims,
  ): Promise<void> {
    const status = result.outcome as Exclude<StepState['status'], 'pending' | 'failed'>;
    await this.#o.store.settle(plan.rollback, step.step, { status, result: bytes });
    if (attempt !== undefined) this.#onEvent({ type: 'attempt', rollback: plan.rollback, step, attempt });
    this.#onEvent({ type: 'settled', rollback: plan.rollback, step, status });
    this.#record(() => dagNodeOf(compensationResult, result));
  }

  /** The final result the participant recorded for a step, when the transport can ask and the answer verifies. */
  async #askResult(run: Run, plan: RollbackPlanClaims, step: PlanStep) {
    const ask = this.#o.transport.result?.bind(this.#o.transport);
    if (!ask) return undefined;
    const to = { agent: step.agent, steps: [step] };
    try {
      await this.#lease(run);
      const bytes = await withTimeout(this.#o.timer, this.#o.callTimeoutMs, run.signal, (signal) =>
        ask(to, this.#excerpt(plan, to), signal, run.token),
      );
      if (!bytes) return undefined;
      const result = this.#checkResult(plan, step, bytes);
      return result.outcome === 'failed' ? undefined : { bytes, result };
    } catch (e) {
      if (!isSafetyNetError(e) || stopped(e, run)) throw e;
      return undefined;
    }
  }

  /** A result counts only when its agent signed it for this very step. */
  #checkResult(plan: RollbackPlanClaims, step: PlanStep, bytes: Uint8Array): CompensationResultClaims {
    const verified = compensationResult.verify(bytes, {
      key: this.#o.participants,
      issuer: step.agent,
      clock: this.#o.clock,
    });
    if (!verified.ok) throw verified.error;
    const r = verified.claims;
    if (r.rollback !== plan.rollback || r.task !== step.task || r.key !== step.key) {
      throw cpError('ERR_CP_PLAN_INVALID', `the result answers another step (${r.key})`);
    }
    return r;
  }

  async #complete(plan: RollbackPlanClaims, stored: StoredRollback): Promise<Uint8Array> {
    const o = this.#o;
    const tasks = new Map(plan.steps.map((s) => [s.step, s.task]));
    const lists = { compensated: [] as string[], not_reversible: [] as string[], failed: [] as string[] };
    const resultIds: string[] = [];
    for (const s of stored.steps) {
      if (s.status === 'pending') throw cpError('ERR_CP_STORE_FAILED', `step ${s.step} is still pending`);
      lists[s.status].push(tasks.get(s.step)!);
      if (s.result && s.status !== 'failed') resultIds.push(readStoredMessage(compensationResult, s.result).jti);
    }
    const pred = resultIds.length < 100 ? [plan.jti, ...resultIds] : [plan.jti];
    const claims: RollbackCompleteClaims = {
      iss: o.iss,
      iat: epochSeconds(o.clock),
      jti: randomUuid(o.random),
      wid: plan.wid,
      pred,
      rollback: plan.rollback,
      status: rollbackStatus(lists),
      ...lists,
    };
    const bytes = rollbackComplete.sign(claims, o.key);
    await o.store.finish(plan.rollback, bytes);
    this.#onEvent({ type: 'completed', rollback: plan.rollback, status: claims.status });
    return bytes;
  }

  /**
   * Fences and releases: the same retry policy as compensations, with the last error thrown. `deadline` (seconds)
   * bounds fences; releases have none.
   */
  async #retrying(
    run: Run,
    deadline: number | undefined,
    call: (signal: AbortSignal, lease: number) => Promise<void>,
  ): Promise<void> {
    const o = this.#o;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline === undefined ? o.callTimeoutMs : deadline * 1000 - readClock(o.clock);
      try {
        await this.#lease(run);
        return await withTimeout(o.timer, Math.max(1, Math.min(o.callTimeoutMs, remaining)), run.signal, (signal) =>
          call(signal, run.token),
        );
      } catch (e) {
        if (!isSafetyNetError(e) || stopped(e, run) || attempt >= o.retry.attempts || remaining <= 0) throw e;
      }
      await this.#sleep(run, this.#delay(attempt));
    }
  }

  /**
   * Takes or renews the rollback's lease before a call; stops the run with `ERR_CP_LEASE_LOST` when another
   * instance holds it, and with `ERR_CP_ABORTED` when the run's signal fired or the coordinator is closing.
   */
  async #lease(run: Run): Promise<void> {
    if (run.signal.aborted) throw cpError('ERR_CP_ABORTED', run.rollback, { cause: run.signal.reason });
    if (this.#closing.signal.aborted) throw this.#closing.signal.reason;
    run.token = await this.#o.store.acquireLease(
      run.rollback,
      this.#o.instance,
      this.#o.leaseTtlMs,
      readClock(this.#o.clock),
    );
  }

  /** Waits between calls; cut short by the run's signal or by `close()`. */
  async #sleep(run: Run, ms: number): Promise<void> {
    const signals = [run.signal, run.closing];
    if (signals.some((s) => s.aborted)) return;
    let onStop = () => {};
    const stopping = new Promise<void>((resolve) => {
      onStop = () => resolve();
      for (const s of signals) s.addEventListener('abort', onStop, { once: true });
    });
    await Promise.race([this.#o.sleep(ms), stopping]);
    for (const s of signals) s.removeEventListener('abort', onStop);
  }

  #excerpt(plan: RollbackPlanClaims, to: ParticipantAddress): Uint8Array {
    const iat = epochSeconds(this.#o.clock);
    return rollbackPlan.sign(
      {
        iss: plan.iss,
        iat,
        exp: iat + this.#o.excerptLifetimeSeconds,
        aud: to.agent,
        jti: randomUuid(this.#o.random),
        wid: plan.wid,
        pred: [plan.jti],
        rollback: plan.rollback,
        steps: [...to.steps],
      },
      this.#o.key,
    );
  }

  #delay(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.#o.retry;
    const backoff = { baseMs: baseDelayMs, multiplier: 2, maxMs: maxDelayMs, jitter: 0.5, resetMs: maxDelayMs };
    return openDuration(backoff, attempt, this.#uniform);
  }

  /** Adds one of the rollback's messages to the DAG unless it is there (a resumed run re-records what it has). */
  #record(node: () => Parameters<ResolvedCoordinatorOptions['dag']['insert']>[0]): void {
    const n = node();
    if (!this.#o.dag.has(n.jti)) this.#o.dag.insert(n);
  }
}

/** SHA-256 over the deterministic CBOR of what the caller asked for: equal content, equal digest. */
export function requestDigest(input: RollbackInput, wid: string): string {
  const content = new Map<string, CborValue>([
    ['rollback', input.rollback],
    ['wid', wid],
    ['root_cause', input.root_cause],
    ['scope', input.scope],
    ['known_good', [...input.known_good]],
    ['reason', input.reason],
    ['deadline', input.deadline],
  ]);
  if (input.aud !== undefined) content.set('aud', Array.isArray(input.aud) ? [...input.aud] : (input.aud as string));
  return toBase64Url(sha256(encodeCbor(content)));
}

function sameContent(stored: StoredRollback, digest: string): StoredRollback {
  if (stored.digest !== digest) throw cpError('ERR_CP_ROLLBACK_CONFLICT', stored.rollback);
  return stored;
}

function groupByAgent(steps: readonly PlanStep[]): Map<string, PlanStep[]> {
  const out = new Map<string, PlanStep[]>();
  for (const s of steps) {
    const list = out.get(s.agent);
    if (list) list.push(s);
    else out.set(s.agent, [s]);
  }
  return out;
}

/**
 * Runs a participant call with a signal aborted after `ms`; the abort surfaces as `ERR_CP_DEADLINE_EXCEEDED`. A
 * transport failing with anything but one of our errors (a network library's TypeError, a bug in a custom
 * transport) is a failed call, `ERR_CP_COMPENSATION_FAILED` (§7): retried like any other, never an end to the
 * whole rollback.
 */
async function withTimeout<T>(
  timer: Timer,
  ms: number,
  parent: AbortSignal,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let cancel: (() => void) | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    cancel = timer.after(ms, () => {
      controller.abort();
      reject(cpError('ERR_CP_DEADLINE_EXCEEDED', `no answer within ${ms} ms`));
    });
    onAbort = () => {
      controller.abort(parent.reason);
      reject(cpError('ERR_CP_ABORTED', 'the run was aborted', { cause: parent.reason }));
    };
    parent.addEventListener('abort', onAbort, { once: true });
  });
  const attempt = (async () => call(controller.signal))().catch((e: unknown) => {
    if (isSafetyNetError(e)) throw e;
    throw cpError('ERR_CP_COMPENSATION_FAILED', `transport failed: ${String(e).slice(0, 256)}`, { cause: e });
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    cancel!();
    parent.removeEventListener('abort', onAbort!);
  }
}

/** One run of a rollback: its signal and the lease token of its latest renewal. */
interface Run {
  readonly rollback: string;
  /** The caller's signal: it also aborts the call in flight. */
  readonly signal: AbortSignal;
  /** Aborted by `close()`: the run stops before its next call, the call in flight is let finish. */
  readonly closing: AbortSignal;
  token: number;
}

/** Errors that end the run rather than count as a failed call: an abort, a close or a lost lease. */
function stopped(e: unknown, run: Run): boolean {
  const stopping = run.signal.aborted || run.closing.aborted;
  return isSafetyNetError(e, 'ERR_CP_LEASE_LOST') || (isSafetyNetError(e, 'ERR_CP_ABORTED') && stopping);
}

import {
  bytesEqual,
  type Clock,
  DEFAULT_CLOCK_SKEW_SECONDS,
  fromBase64Url,
  isSafetyNetError,
  type RandomSource,
  randomUuid,
  readClock,
  type SafetyNetError,
  snError,
  systemClock,
  systemRandom,
} from '@safety-net/core';
import { authorizeSignal } from '../authority/evaluate.js';
import { acceptPolicy, acceptRevocation } from '../authority/intake.js';
import { HeldPolicy } from '../authority/policy.js';
import { Revocations } from '../authority/revocations.js';
import { verifySignal } from '../authority/verify-signal.js';
import { systemTimers } from '../delivery/timers.js';
import { ovError } from '../errors.js';
import { type AcknowledgementClaims, acknowledgement, type InFlight } from '../messages/acknowledgement.js';
import { checkActionDigest } from '../messages/action-digest.js';
import { approvalDecision } from '../messages/approval-decision.js';
import { authorityPolicy } from '../messages/authority-policy.js';
import type { AgentState, Mode, Order } from '../messages/common.js';
import { heartbeat } from '../messages/heartbeat.js';
import { keyRevocation } from '../messages/key-revocation.js';
import { lease } from '../messages/lease.js';
import { LIFTING_ACTIONS, type OverrideSignalClaims, overrideSignal, type Scope } from '../messages/override-signal.js';
import { ACTION_FLUSH_MS, ActionHistory, longestWindow } from './action-history.js';
import { approvalRuleFor } from './approval-gate.js';
import { ApprovalGates } from './approvals.js';
import { claimsOf, storeCall, typOf } from './decode.js';
import {
  type ActionPlace,
  checkLift,
  compareOrder,
  covers,
  type Hold,
  holdKindOf,
  liftable,
  retained,
  scopesMeet,
} from './hold.js';
import { InFlightActions, place, type Running } from './in-flight.js';
import { lapseHoldId, liftedByLease } from './lapse.js';
import { LeaseKeeper } from './lease-keeper.js';
import { modeOf, safeStateMode, scopePlace, stricter } from './modes.js';
import {
  type ConstraintCheck,
  checkGuardOptions,
  type GuardAction,
  type GuardOptions,
  type GuardTimers,
  type RunOptions,
} from './options.js';
import { wideningOf } from './profile-narrowing.js';
import { SignalRecords } from './signal-records.js';
import type { ProcessedSignal, StateChange, WaitingLift } from './state-store.js';
import { signHandoff } from './takeover.js';

/** Largest signal a guard reads (spec §4.11). */
export const MAX_SIGNAL_BYTES = 64 * 1024;
/** Most active holds and lifts in waiting an agent keeps (spec §4.11). */
export const MAX_HOLDS = 1000;
export const MAX_WAITING_LIFTS = 10_000;

/** The codes of §5 that a guard answers with a signed `refused` acknowledgement rather than an error. */
const REFUSALS = new Set(['ERR_OV_UNAUTHORIZED', 'ERR_OV_QUORUM', 'ERR_OV_KEY_REVOKED', 'ERR_OV_POLICY_INVALID']);

/** Signal records below which the guard does not look for records to forget (spec §8.5). */
const FORGET_FLOOR = 64;

/** The last second a signal verifies (spec §4.11): its `exp` plus the skew every verification allows. */
const verifiesUntil = (signal: OverrideSignalClaims) => signal.exp + DEFAULT_CLOCK_SKEW_SECONDS;

/** What the guard answered to a signal. */
export interface Answer {
  /** The signed acknowledgement. */
  readonly ack: Uint8Array;
  readonly claims: AcknowledgementClaims;
  /** The signal had been processed before: `ack` is the one recorded for it, byte for byte (spec §6.4). */
  readonly duplicate: boolean;
}

/**
 * The agent's guard (spec §8): it sits around the agent's action loop, judges override signals with what the
 * agent holds locally (its key, its authority policy, its store), and refuses actions while a hold covers them.
 * A category 0 stop aborts the actions of its scope synchronously, before anything is awaited; every change is
 * persisted before it is acknowledged, so a restarted agent is still stopped. With the `lease` option it is also the
 * agent's dead-man's switch (spec §9); actions an approval rule names wait for approval (§8.4); a takeover hands the
 * task to its human (§4.7).
 *
 * @example
 * ```ts
 * const guard = await OverrideGuard.open({ agent, key, store, authority, policy });
 * const answer = await guard.receive(signalBytes); // a signed acknowledgement
 * await guard.run({ name: 'pharmacy.dispense', task }, (signal) => dispense(order, { signal }));
 * ```
 */
export class OverrideGuard {
  readonly #options: GuardOptions;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #timers: GuardTimers;
  #policy: HeldPolicy;
  readonly #revocations: Revocations;
  readonly #signals = new SignalRecords();
  readonly #holds = new Map<string, Hold>();
  readonly #waiting: WaitingLift[] = [];
  readonly #constraints = new Map<string, ConstraintCheck>();
  /** What ran recently, for the windows of a profile put in force later (spec §8.1). */
  readonly #history = new ActionHistory();
  /** The timer that writes the actions recorded since the last write (spec §8.5), while one is due. */
  #flushTimer: unknown;
  readonly #inFlight = new InFlightActions();
  /** Places the agent has run actions in, for the default scope check. */
  readonly #places = { workflows: new Set<string>(), tasks: new Set<string>() };
  readonly #graceTimers = new Map<string, unknown>();
  /** The timers that end waiting lifts at their `exp`, by lift (spec §6.3). */
  readonly #liftTimers = new Map<string, unknown>();
  /** How many signal records there are when the guard next looks for records to forget (spec §8.5). */
  #forgetAt = 0;
  readonly #lease: LeaseKeeper | undefined;
  /** Before its first lease an agent with a dead-man's switch is in lapse (spec §9). */
  #unleased = false;
  readonly #gates: ApprovalGates;
  /** The Hand-offs signed, by task. */
  readonly #handoffs = new Map<string, Uint8Array>();
  /** Store writes started by timers, which `close` waits for. */
  readonly #background = new Set<Promise<void>>();
  #storeFailure: SafetyNetError | undefined;

  private constructor(options: GuardOptions, policy: HeldPolicy, revocations: Revocations) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
    this.#timers = options.timers ?? systemTimers;
    this.#policy = policy;
    this.#revocations = revocations;
    this.#lease = options.lease && new LeaseKeeper(options.lease, options.agent, this.#clock, this.#timers);
    this.#gates = new ApprovalGates({
      agent: options.agent,
      key: options.key,
      random: this.#random,
      timers: this.#timers,
      options: options.approvals,
      context: () => ({ policy: this.#policy, revocations: this.#revocations, clock: this.#clock, now: this.#now() }),
      commit: (change) => this.#commit(change),
      admit: (action) => this.#admit(action),
      ruleFor: (name) => approvalRuleFor(name, this.#policy.claims.approvals, options.approvals?.rules),
    });
  }

  /**
   * A guard over its store's state: holds, processed signals, orders, policy, revocations, the lease and pending
   * approvals are read before it is returned, so no action can run before a stop recorded before a restart is back
   * in force, and a lease that lapsed while the agent was down puts it in its safe state at once (spec §8.5, §9).
   */
  static async open(options: GuardOptions): Promise<OverrideGuard> {
    checkGuardOptions(options);
    const state = await storeCall(() => options.store.load());
    const trust = { authority: options.authority, clock: options.clock };
    const policyBytes = state.policy ?? options.policy;
    if (policyBytes === undefined) throw ovError('ERR_OV_CONFIG_INVALID', 'the guard needs an authority policy');
    // A stored policy was verified when it arrived; it judges restrictive signals even after its exp (spec §5.1).
    const policy = state.policy
      ? new HeldPolicy(claimsOf(authorityPolicy, state.policy), state.policy)
      : acceptPolicy(policyBytes, trust);
    const guard = new OverrideGuard(
      options,
      policy,
      new Revocations([...(policy.claims.revoked ?? []), ...state.revocations]),
    );
    for (const s of state.signals) guard.#signals.remember(s, verifiesUntil(claimsOf(overrideSignal, s.bytes)));
    // A store written before lifted holds were dropped may still hold some.
    for (const h of state.holds) if (retained(h)) guard.#holds.set(h.jti, h);
    guard.#waiting.push(...state.waiting);
    for (const o of state.orders) guard.#signals.raise(o.ctl, o.order);
    if (state.policy === undefined) await guard.#commit({ policy: policyBytes });
    guard.#history.restore(state.actions ?? []);
    for (const hold of guard.#active()) {
      if (hold.kind === 'constrain' && !hold.unenforced) {
        const paused = guard.#enforce(hold);
        if (paused) await guard.#commit({ holds: [paused] });
      }
      // Nothing ran before the restart finished: a stop that was waiting for its steps has halted.
      if (hold.halted_at === undefined && hold.kind !== 'pause' && hold.kind !== 'constrain') await guard.#halted(hold);
      else if (hold.kind === 'takeover' && hold.handoff === undefined) await guard.#handOver(hold);
    }
    if (guard.#lease) {
      if (state.lease) {
        guard.#lease.restore(state.lease);
        guard.#watchLease();
        await guard.#settled();
      } else guard.#unleased = true;
    }
    guard.#gates.restore(state.approvals);
    // A lift that waited while the agent was down ends now if its exp has passed.
    for (const lift of new Set(state.waiting.map((w) => w.lift))) {
      const record = guard.#signals.get(lift);
      if (record) await guard.#watchLift(lift, claimsOf(overrideSignal, record.bytes).exp);
    }
    return guard;
  }

  /**
   * The mode for actions at `at` (spec §8.1). Agent-wide (no `at`), every active hold counts except takeovers: a
   * human who took over one task leaves the agent `running` for its others, and only that task's mode (asked with
   * `{ task }`) is `stopping` or `stopped`.
   */
  mode(at?: ActionPlace): Mode {
    if (this.#storeFailure) return 'stopped';
    this.#checkLapse();
    let mode: Mode = this.#unleased ? safeStateMode(this.#options.lease!.initialSafeState ?? 'stop') : 'running';
    for (const hold of this.#active()) {
      if (at === undefined ? hold.kind !== 'takeover' : covers(hold, at)) mode = stricter(mode, modeOf(hold));
    }
    return mode;
  }

  /** The agent's state as acknowledgements report it (spec §4.3). */
  state(ctl: string, at?: ActionPlace): AgentState {
    const mode = this.mode(at);
    const holds = this.#active().map((h) => h.jti);
    const leaseExp = this.#lease?.held?.claims.exp;
    const profile = this.#constraintAt(at ?? {})?.profile;
    return {
      mode,
      order: this.#signals.highest(ctl),
      holds: holds.slice(0, MAX_HOLDS),
      ...(profile !== undefined ? { profile } : {}),
      ...(leaseExp !== undefined ? { lease_exp: leaseExp } : {}),
    };
  }

  /**
   * Runs `fn` unless a hold covers the action (`ERR_OV_PAUSED`, `ERR_OV_STOPPED`, `ERR_OV_TAKEN_OVER`,
   * `ERR_OV_SAFE_STATE`, a constraint's refusal, or `ERR_OV_STORE_FAILED`). An action an approval rule gates runs
   * only once approved (spec §8.4): the guard signs an Approval Request and waits for its decisions, and `fn` gets
   * the action to run — the edited one after an `edit`. `fn` gets an `AbortSignal` that a category 0 stop (or the
   * end of a category 1 grace) aborts with `ERR_OV_ABORTED`; a result that arrives after that is discarded and the
   * call rejects with that error.
   */
  async run<T>(
    action: GuardAction,
    fn: (signal: AbortSignal, action: GuardAction) => Promise<T> | T,
    options: RunOptions = {},
  ): Promise<T> {
    this.#admit(action);
    const rule = approvalRuleFor(action.name, this.#policy.claims.approvals, this.#options.approvals?.rules);
    const approved = rule ? await this.#gates.approve(action, rule, options.signal) : action;
    // A hold may have come while the approval was pending.
    if (rule) this.#admit(approved);
    if (approved.workflow !== undefined) this.#places.workflows.add(approved.workflow);
    if (approved.task !== undefined) this.#places.tasks.add(approved.task);
    const controller = new AbortController();
    let done!: () => void;
    const running: Running = { action: approved, controller, ended: new Promise<void>((r) => (done = r)) };
    this.#inFlight.add(running);
    // An aborted action is abandoned at once: its caller does not wait for work that ignores the signal, and a
    // result that still arrives is discarded.
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
    );
    const work = async () => {
      this.#ran(approved);
      return fn(controller.signal, approved);
    };
    const constraint = this.#constraintAt(place(approved));
    try {
      return await Promise.race([constraint ? constraint(approved, work) : work(), aborted]);
    } catch (e) {
      throw controller.signal.aborted ? controller.signal.reason : e;
    } finally {
      this.#inFlight.delete(running);
      done();
      await this.#haltWhereDone();
    }
  }

  /**
   * Processes a received Override Signal (spec §8.2) and answers with the signed acknowledgement. Throws the
   * verification's code for a message it cannot verify, `ERR_OV_ACTION_DIGEST`, `ERR_OV_OUT_OF_SCOPE`,
   * `ERR_OV_STALE`, `ERR_OV_LIFT_MISMATCH`, `ERR_OV_CONFLICT`, `ERR_OV_LIMIT` or `ERR_OV_STORE_FAILED`; a signal
   * refused for authority is answered with a `refused` acknowledgement.
   */
  async receive(bytes: Uint8Array): Promise<Answer> {
    if (this.#storeFailure) throw this.#storeFailure;
    if (bytes.length > MAX_SIGNAL_BYTES) throw snError('ERR_INPUT_TOO_LARGE', `signal over ${MAX_SIGNAL_BYTES} bytes`);
    // 1. verification with the held policy's keys only.
    const { claims: signal, signers } = verifySignal(bytes, this.#policy, this.#clock);
    // 2. duplicates are answered with what was recorded.
    const seen = this.#signals.get(signal.jti);
    if (seen) {
      if (!bytesEqual(seen.bytes, bytes))
        throw ovError('ERR_OV_CONFLICT', `signal ${signal.jti} reused with other bytes`);
      return { ack: seen.ack, claims: claimsOf(acknowledgement, seen.ack), duplicate: true };
    }
    // 3. the action digest.
    checkActionDigest(signal);
    // 4. authority: a refusal is itself a signed, recorded acknowledgement.
    try {
      authorizeSignal(signal, signers, {
        policy: this.#policy,
        revocations: this.#revocations,
        now: this.#now(),
        liftsEmergencyHold: (signal.lifts ?? []).some((j) => this.#holdOf(j)?.level === 'emergency'),
      });
    } catch (e) {
      if (!isSafetyNetError(e) || !REFUSALS.has(e.code)) throw e;
      return this.#answer(signal, bytes, { status: 'refused', code: e.code, reason: e.message });
    }
    // 5. scope, 6. order and lifts.
    if (!this.#inScope(signal.scope))
      throw ovError('ERR_OV_OUT_OF_SCOPE', `${this.#options.agent} is not in the scope`);
    const other = this.#signals.holding(signal.ctl, [signal.epoch, signal.seq]);
    if (other !== undefined) throw ovError('ERR_OV_CONFLICT', `signal ${other} already holds this order`);
    // 7. apply in memory, synchronously; 8–9. persist and acknowledge.
    return LIFTING_ACTIONS.has(signal.action.name) ? this.#lift(signal, bytes) : this.#restrict(signal, bytes);
  }

  /**
   * Any message a control plane delivers to an agent, told apart by its `typ` (spec §7): an Override Signal (its
   * acknowledgement is answered), a Lease, an Approval Decision, an Authority Policy or a Key Revocation.
   * `ERR_INPUT_INVALID` for anything else.
   */
  async deliver(bytes: Uint8Array): Promise<Answer | undefined> {
    const typ = typOf(bytes);
    if (typ === overrideSignal.typ) return this.receive(bytes);
    const accept = {
      [lease.typ]: this.acceptLease,
      [approvalDecision.typ]: this.acceptDecision,
      [authorityPolicy.typ]: this.acceptPolicy,
      [keyRevocation.typ]: this.acceptRevocation,
    }[typ as string];
    if (accept === undefined) {
      throw snError('ERR_INPUT_INVALID', 'not a message a control plane delivers to an agent');
    }
    await accept.call(this, bytes);
    return undefined;
  }

  /** Takes a newer Authority Policy (spec §5.1): `ERR_OV_POLICY_INVALID` or `ERR_OV_STALE` otherwise. */
  async acceptPolicy(bytes: Uint8Array): Promise<void> {
    const policy = acceptPolicy(bytes, { authority: this.#options.authority, clock: this.#clock }, this.#policy);
    if (policy === this.#policy) return;
    this.#policy = policy;
    const revoked = policy.claims.revoked ?? [];
    for (const r of revoked) this.#revocations.add(r.kid, r.revoked_at);
    await this.#commit({ policy: bytes, revocations: this.#revocations.entries() });
  }

  /** Applies a Key Revocation from the policy authority (spec §5.5). */
  async acceptRevocation(bytes: Uint8Array): Promise<void> {
    const revocation = acceptRevocation(bytes, { authority: this.#options.authority, clock: this.#clock });
    this.#revocations.add(revocation.kid, revocation.revoked_at);
    await this.#commit({ revocations: this.#revocations.entries() });
  }

  /**
   * Takes a Lease from the control plane (spec §9): from now the agent works until it lapses — the earlier of `exp`
   * plus the lapse skew on the wall clock and receipt plus `ttl` plus the skew on the monotonic clock — and then
   * enters the lease's safe state on a local timer. A lease issued after a lapse into `pause` lifts it; a lapse
   * into `stop` needs a `release`. The lease already held is a no-op; `ERR_OV_STALE` for an older one,
   * `ERR_OV_OUT_OF_SCOPE` for another agent's or control plane's, the verification's code for one that does not
   * verify with the control plane's key (or has expired); `ERR_OV_CONFIG_INVALID` without the `lease` option.
   */
  async acceptLease(bytes: Uint8Array): Promise<void> {
    if (this.#storeFailure) throw this.#storeFailure;
    const keeper = this.#keeper();
    if (bytes.length > MAX_SIGNAL_BYTES) throw snError('ERR_INPUT_TOO_LARGE', `lease over ${MAX_SIGNAL_BYTES} bytes`);
    const held = keeper.accept(bytes);
    if (held === undefined) return;
    this.#unleased = false;
    const lifted = this.#active()
      .filter((h) => liftedByLease(h, held.claims))
      .map((h) => ({ ...h, lifted: true }));
    for (const h of lifted) this.#holds.set(h.jti, h);
    this.#watchLease();
    await this.#commit({ lease: held.record, holds: lifted });
  }

  /**
   * Signs a fresh Heartbeat for the lease's control plane (spec §4.5): the agent's state, the lease it renews, and
   * `lapsed_at` until a lease answering such a heartbeat shows the control plane has learnt of the lapse.
   * `ERR_OV_CONFIG_INVALID` without the `lease` option.
   */
  heartbeat(): Uint8Array {
    const keeper = this.#keeper();
    const state = this.state(keeper.ctl);
    const claims = keeper.heartbeat(this.#options.agent, state, this.#now(), `ov-hb-${randomUuid(this.#random)}`);
    return heartbeat.sign(claims, this.#options.key);
  }

  /**
   * Takes an Approval Decision for a pending request (spec §8.4), verified with the operator keys of the held policy:
   * the gate opens or closes when the decisions decide. A decision already counted is a no-op;
   * `ERR_OV_APPROVAL_MISMATCH` for one that cannot count (another action, a decision or role not allowed, after the
   * timeout, no such pending request), `ERR_OV_ACTION_DIGEST` for an edit whose digest is not its action's.
   */
  async acceptDecision(bytes: Uint8Array): Promise<void> {
    if (this.#storeFailure) throw this.#storeFailure;
    if (bytes.length > MAX_SIGNAL_BYTES)
      throw snError('ERR_INPUT_TOO_LARGE', `decision over ${MAX_SIGNAL_BYTES} bytes`);
    await this.#gates.accept(bytes);
  }

  /** The Approval Requests waiting for decisions, including those stored before a restart. */
  pendingApprovals(): Uint8Array[] {
    return this.#gates.pending();
  }

  /** The Hand-off signed for a task taken over since the guard opened (spec §4.7), if any. */
  handoff(task: string): Uint8Array | undefined {
    return this.#handoffs.get(task);
  }

  /** Stops the timers, writes the actions recorded since the last write, waits for the writes and closes the store. */
  async close(): Promise<void> {
    for (const handle of [...this.#graceTimers.values(), ...this.#liftTimers.values()]) this.#timers.clear(handle);
    this.#graceTimers.clear();
    this.#liftTimers.clear();
    this.#lease?.stop();
    this.#gates.close();
    if (this.#flushTimer !== undefined) this.#timers.clear(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#flush();
    await this.#settled();
    await this.#options.store.close();
  }

  // ---- restrictive signals -------------------------------------------------------------------------------------

  async #restrict(signal: OverrideSignalClaims, bytes: Uint8Array): Promise<Answer> {
    const kind = holdKindOf(signal.action.name);
    const order: Order = [signal.epoch, signal.seq];
    if (this.#active().length >= MAX_HOLDS) throw ovError('ERR_OV_LIMIT', `more than ${MAX_HOLDS} active holds`);
    // A lift that arrived first, with a higher order and a kind it may lift, lifts the hold as it is created.
    const waiting = this.#waiting.filter((w) => w.hold === signal.jti);
    const liftedBy = waiting.find(
      (w) => w.ctl === signal.ctl && liftable(w.action, { kind }) && compareOrder(w.order, order) > 0,
    );
    const now = this.#now();
    let hold: Hold = {
      jti: signal.jti,
      ctl: signal.ctl,
      order,
      kind,
      level: signal.level,
      ...(kind === 'stop' || kind === 'takeover' ? { category: signal.category ?? 1 } : {}),
      scope: signal.scope,
      lifted: liftedBy !== undefined,
    };
    let inFlight: InFlight[] | undefined;
    let status: AcknowledgementClaims['status'] = 'complied';
    let failure: { code: string; reason: string } | undefined;
    // A constrain that would widen the profile in force creates no hold (spec §8.1).
    let widens = false;
    if (!hold.lifted) {
      if (kind === 'pause') hold = { ...hold, halted_at: now };
      else if (kind === 'constrain') {
        const compiled = this.#compile((signal.action.params as { profile: string }).profile, hold);
        if (typeof compiled !== 'function') failure = compiled;
        else {
          // A constraint only narrows (spec §8.1): a wider profile is refused and the one in force stays.
          const widening = this.#wideningOf(hold, compiled);
          widens = widening !== undefined;
          if (widening !== undefined) failure = { code: 'ERR_OV_CONSTRAINT_WIDENS', reason: widening };
          else this.#constraints.set(hold.jti, compiled);
        }
        hold = { ...hold, halted_at: now, ...(failure && !widens ? { unenforced: true } : {}) };
      } else if (hold.category === 0) {
        inFlight = this.#inFlight.abort(hold);
        hold = { ...hold, halted_at: now };
      } else if (this.#inFlight.coveredBy(hold).length === 0) {
        hold = { ...hold, halted_at: now };
      } else {
        status = 'received';
        this.#startGrace(hold, signal.deadline);
      }
      if (kind === 'takeover' && status === 'complied') status = 'received'; // complied once the Hand-off is signed
    }
    if (!widens) this.#keep(hold);
    this.#gates.abortBlocked();
    const raised = this.#signals.raise(signal.ctl, order);
    const settled = waiting.map((w) => ({ hold: w.hold, lift: w.lift }));
    this.#waiting.splice(0, this.#waiting.length, ...this.#waiting.filter((w) => w.hold !== signal.jti));
    const answer = await this.#answer(
      signal,
      bytes,
      failure
        ? { status: 'cannot_comply', ...failure }
        : { status, halted_at: status === 'complied' ? hold.halted_at : undefined, in_flight: inFlight },
      { holds: widens ? [] : [hold], removeWaiting: settled, order: raised },
    );
    for (const w of waiting) await this.#settleWaiting(w, w === liftedBy);
    if (kind === 'takeover' && !hold.lifted && hold.halted_at !== undefined) await this.#handOver(hold);
    return answer;
  }

  /**
   * Compiles the profile of a constraint hold, its windows counting what ran in its scope (spec §8.1), or says why
   * it cannot be enforced: the agent then pauses (spec §8.6).
   */
  #compile(profile: string, hold: Hold): ConstraintCheck | { code: string; reason: string } {
    try {
      if (!this.#options.constrain) throw new Error('the agent has no monitor to enforce a profile');
      return this.#options.constrain(
        fromBase64Url(profile),
        this.#history.pastFor((at) => covers(hold, at)),
      );
    } catch (e) {
      return { code: 'ERR_OV_CONSTRAINT_INVALID', reason: e instanceof Error ? e.message.slice(0, 1024) : 'invalid' };
    }
  }

  /**
   * Puts a stored constraint hold's profile in force again (at a restart, or when a lift makes it judge again) with a
   * monitor that counts what ran; one that no longer compiles (it expired meanwhile) pauses the agent, as on receipt
   * (§8.6): a constraint hold without its monitor would let every action through. Returns that paused hold, to
   * persist.
   */
  #enforce(hold: Hold): Hold | undefined {
    const compiled = this.#compile(this.#profileOf(hold.jti), hold);
    if (typeof compiled === 'function') {
      this.#constraints.set(hold.jti, compiled);
      return undefined;
    }
    const paused: Hold = { ...hold, unenforced: true };
    this.#holds.set(hold.jti, paused);
    return paused;
  }

  /**
   * Records an action that starts while a profile with rate or budget rules is enforced, so that a profile put in
   * force later counts it (spec §8.1). It is written with the next state change, or at the latest
   * {@link ACTION_FLUSH_MS} later with the others recorded meanwhile: one transaction for them all (spec §8.5).
   */
  #ran(action: GuardAction): void {
    let horizon = 0;
    for (const check of this.#constraints.values()) {
      if (check.rules) horizon = Math.max(horizon, longestWindow(check.rules));
    }
    if (horizon === 0) return;
    this.#history.add(action, readClock(this.#clock), horizon);
    this.#flushTimer ??= this.#timers.set(ACTION_FLUSH_MS, () => {
      this.#flushTimer = undefined;
      this.#flush();
    });
  }

  /** Writes the actions recorded since the last write, without waiting (`close` does). */
  #flush(): void {
    if (this.#history.unwritten) this.#write({});
  }

  /**
   * Why a new constraint would widen a profile in force that it replaces (spec §8.1): an enforced constraint of a
   * lower order whose scope meets its own. Undefined when it narrows each (or none is in force).
   */
  #wideningOf(hold: Hold, check: ConstraintCheck): string | undefined {
    for (const current of this.#active()) {
      if (current.kind !== 'constrain' || current.unenforced || compareOrder(current.order, hold.order) >= 0) continue;
      const enforced = this.#constraints.get(current.jti);
      if (enforced === undefined || !scopesMeet(current.scope, hold.scope)) continue;
      if (!enforced.rules || !check.rules)
        return `the rules of ${current.jti}’s profile and this one cannot be compared`;
      const widening = wideningOf(check.rules, enforced.rules);
      if (widening !== undefined) return `${widening} (the profile of ${current.jti})`;
    }
    return undefined;
  }

  #profileOf(jti: string): string {
    const claims = claimsOf(overrideSignal, this.#signals.get(jti)!.bytes);
    return (claims.action.params as { profile: string }).profile;
  }

  /** The constraint enforced at a place: the newest active constraint hold covering it (spec §6.2). */
  #constraintAt(at: ActionPlace): ConstraintCheck | undefined {
    const newest = this.#active()
      .filter((h) => h.kind === 'constrain' && !h.unenforced && covers(h, at))
      .sort((a, b) => compareOrder(b.order, a.order))[0];
    return newest && this.#constraints.get(newest.jti);
  }

  /** A category 1 stop lets the covered steps finish until the deadline, then aborts them (spec §3.3). */
  #startGrace(hold: Hold, deadline: number): void {
    const ms = Math.max(0, deadline * 1000 - readClock(this.#clock));
    const handle = this.#timers.set(ms, () => {
      this.#graceTimers.delete(hold.jti);
      this.#inFlight.abort(hold);
    });
    this.#graceTimers.set(hold.jti, handle);
  }

  /** After an action ends: stops whose covered actions have all ended become halted. */
  async #haltWhereDone(): Promise<void> {
    for (const hold of this.#active()) {
      if (hold.halted_at === undefined && this.#inFlight.coveredBy(hold).length === 0) await this.#halted(hold);
    }
  }

  /** Records that a stopping hold has halted and sends the final acknowledgement of its signal. */
  async #halted(hold: Hold): Promise<void> {
    const timer = this.#graceTimers.get(hold.jti);
    if (timer !== undefined) this.#timers.clear(timer);
    this.#graceTimers.delete(hold.jti);
    const halted: Hold = { ...hold, halted_at: this.#now() };
    this.#holds.set(hold.jti, halted);
    const record = this.#signals.get(hold.jti);
    if (!record) return this.#commit({ holds: [halted] });
    if (hold.kind === 'takeover') return this.#handOver(halted);
    const signal = claimsOf(overrideSignal, record.bytes);
    const final = this.#signAck(signal, { status: 'complied', halted_at: halted.halted_at });
    this.#signals.remember({ ...record, ack: final });
    await this.#commit({ holds: [halted], signal: { ...record, ack: final } });
    this.#options.onAcknowledgement?.(final);
  }

  // ---- takeover ------------------------------------------------------------------------------------------------

  /**
   * Hands a halted, taken-over task to the human the signal names (spec §4.7): the state comes from the agent's
   * `handOff` callback, the signed Hand-off goes to `onHandoff`, and the signal's final acknowledgement is
   * `complied`, naming the Hand-off. Without a callback, or when it fails, the answer is `cannot_comply` and the
   * task stays taken over: the human still has it, without the agent's state.
   */
  async #handOver(hold: Hold): Promise<void> {
    const record = this.#signals.get(hold.jti)!;
    const signal = claimsOf(overrideSignal, record.bytes);
    const { agent, key } = this.#options;
    const issued = { agent, key, iat: this.#now(), jti: `ov-hnd-${randomUuid(this.#random)}` };
    const signed = await signHandoff(signal, issued, this.#options.handOff);
    // The hold as it is now: a lift that came while the Hand-off was being made stands, and is not written over.
    const current = this.#holds.get(hold.jti);
    const done =
      current !== undefined && !current.lifted && 'bytes' in signed
        ? { ...current, handoff: signed.claims.jti }
        : undefined;
    const final =
      'bytes' in signed
        ? this.#signAck(signal, { status: 'complied', halted_at: hold.halted_at }, [signed.claims.jti])
        : this.#signAck(signal, { status: 'cannot_comply', code: 'ERR_OV_HANDOFF_INVALID', reason: signed.reason });
    if (done) this.#holds.set(done.jti, done);
    this.#signals.remember({ ...record, ack: final });
    await this.#commit({ ...(done ? { holds: [done] } : {}), signal: { ...record, ack: final } });
    if ('bytes' in signed) {
      this.#handoffs.set(signed.claims.task, signed.bytes);
      this.#options.onHandoff?.(signed.bytes);
    }
    this.#options.onAcknowledgement?.(final);
  }

  // ---- dead-man's switch ---------------------------------------------------------------------------------------

  #keeper(): LeaseKeeper {
    if (!this.#lease) throw ovError('ERR_OV_CONFIG_INVALID', 'the guard has no lease option: it takes no leases');
    return this.#lease;
  }

  /** Arms the lapse timer of the current lease, or lapses at once when it already has. */
  #watchLease(): void {
    if (!this.#checkLapse()) this.#lease!.schedule(() => this.#watchLease());
  }

  /**
   * Creates the lapse hold when the current lease has lapsed (spec §9), synchronously: every admission and mode
   * reading checks, so a late timer cannot let an action through. True when the lease has lapsed.
   */
  #checkLapse(): boolean {
    const held = this.#lease?.held;
    if (!held) return false;
    const now = this.#now();
    const lapse = this.#lease!.lapse(now, (jti) => this.#holds.has(jti));
    if (lapse === undefined) return this.#holds.has(lapseHoldId(held.claims.jti));
    let hold = lapse.hold;
    // A lapse into stop is a category 1 stop: steps finish within the lease's ttl, then are aborted.
    if (hold.safe_state === 'pause' || this.#inFlight.coveredBy(hold).length === 0) hold = { ...hold, halted_at: now };
    else this.#startGrace(hold, now + held.claims.ttl);
    this.#holds.set(hold.jti, hold);
    this.#gates.abortBlocked();
    this.#write({ holds: [hold], lease: lapse.record });
    return true;
  }

  /**
   * Persists a change without waiting for it (`close` does). A failing store has already made the guard refuse all
   * work; what changed stays in force in memory.
   */
  #write(change: StateChange): void {
    this.#inBackground(this.#commit(change));
  }

  /** Work a timer started, which `close` waits for; its failure has already made the guard refuse all work. */
  #inBackground(work: Promise<void>): void {
    const tracked: Promise<void> = work.catch(() => {}).finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }

  /** Waits for the store writes timers started. */
  async #settled(): Promise<void> {
    await Promise.all([...this.#background]);
  }

  // ---- lifts ---------------------------------------------------------------------------------------------------

  async #lift(signal: OverrideSignalClaims, bytes: Uint8Array): Promise<Answer> {
    const action = signal.action.name as 'resume' | 'release';
    const order: Order = [signal.epoch, signal.seq];
    const named = signal.lifts ?? [];
    const present: Hold[] = [];
    const missing: string[] = [];
    for (const jti of named) {
      const hold = this.#holdOf(jti);
      if (hold === undefined) {
        // A processed signal that is not a hold cannot be lifted.
        if (this.#signals.has(jti)) throw ovError('ERR_OV_LIFT_MISMATCH', `${jti} is not a hold`);
        missing.push(jti);
      } else present.push(hold);
    }
    checkLift({ action, ctl: signal.ctl, order }, present);
    if (this.#waiting.length + missing.length > MAX_WAITING_LIFTS) {
      throw ovError('ERR_OV_LIMIT', `more than ${MAX_WAITING_LIFTS} lifts in waiting`);
    }
    const lifted = present.map((h) => ({ ...h, lifted: true }));
    for (const h of lifted) {
      this.#keep(h);
      this.#constraints.delete(h.jti);
      const timer = this.#graceTimers.get(h.jti);
      if (timer !== undefined) this.#timers.clear(timer);
      this.#graceTimers.delete(h.jti);
    }
    // A constraint a lifted one had replaced judges again: with a monitor that counts what ran meanwhile.
    const paused: Hold[] = [];
    for (const h of this.#active()) {
      const replaced = lifted.some(
        (l) => l.kind === 'constrain' && compareOrder(h.order, l.order) < 0 && scopesMeet(h.scope, l.scope),
      );
      if (h.kind !== 'constrain' || h.unenforced || !replaced) continue;
      const hold = this.#enforce(h);
      if (hold) paused.push(hold);
    }
    const waiting = missing.map((hold): WaitingLift => ({ hold, lift: signal.jti, ctl: signal.ctl, order, action }));
    this.#waiting.push(...waiting);
    const raised = this.#signals.raise(signal.ctl, order);
    const answer = await this.#answer(
      signal,
      bytes,
      { status: missing.length === 0 ? 'complied' : 'received' },
      { holds: [...lifted, ...paused], addWaiting: waiting, order: raised },
    );
    if (missing.length > 0) await this.#watchLift(signal.jti, signal.exp);
    return answer;
  }

  /**
   * Ends a lift's wait at its `exp` (spec §6.3): a hold it names still missing then, it cannot comply and waits no
   * more, so the hold takes effect if it comes. At once when `exp` has passed.
   */
  async #watchLift(lift: string, exp: number): Promise<void> {
    const ms = exp * 1000 - readClock(this.#clock);
    if (ms <= 0) return this.#endWait(lift);
    this.#liftTimers.set(
      lift,
      this.#timers.set(ms, () => {
        this.#liftTimers.delete(lift);
        // A timer may fire before the clock says exp (another clock, or one set back): then it waits again.
        this.#inBackground(this.#watchLift(lift, exp));
      }),
    );
  }

  /** The lift's final `cannot_comply`, naming the holds it still waits for; nothing when it waits for none. */
  async #endWait(lift: string): Promise<void> {
    const missing = this.#waiting.filter((w) => w.lift === lift);
    const record = this.#signals.get(lift);
    if (missing.length === 0 || !record) return;
    const names = missing.map((w) => w.hold).join(', ');
    const final = this.#signAck(claimsOf(overrideSignal, record.bytes), {
      status: 'cannot_comply',
      code: 'ERR_OV_STALE',
      reason:
        names.length <= 960 ? `still missing at the lift's exp: ${names}` : `${missing.length} holds still missing`,
    });
    this.#signals.remember({ ...record, ack: final });
    this.#waiting.splice(0, this.#waiting.length, ...this.#waiting.filter((w) => w.lift !== lift));
    await this.#commit({
      signal: { ...record, ack: final },
      removeWaiting: missing.map((w) => ({ hold: w.hold, lift })),
    });
    this.#options.onAcknowledgement?.(final);
  }

  /**
   * A waiting lift meets the hold it named: once none of the lift's holds is missing it is final — `complied`, or
   * `cannot_comply` when a hold came with a higher order or a kind it cannot lift (that hold took effect).
   */
  async #settleWaiting(w: WaitingLift, applied: boolean): Promise<void> {
    const record = this.#signals.get(w.lift);
    if (!record) return;
    const lift = claimsOf(overrideSignal, record.bytes);
    const previous = claimsOf(acknowledgement, record.ack);
    const failed = !applied || previous.code !== undefined;
    if (!failed && this.#waiting.some((x) => x.lift === w.lift)) return;
    if (previous.status !== 'received') return;
    const final = this.#signAck(
      lift,
      failed
        ? { status: 'cannot_comply', code: 'ERR_OV_STALE', reason: `hold ${w.hold} is newer or of another kind` }
        : { status: 'complied' },
    );
    this.#signals.remember({ ...record, ack: final });
    // A failed lift no longer waits for the other holds it named: they take effect when they come (restrictive).
    const others = failed ? this.#waiting.filter((x) => x.lift === w.lift) : [];
    this.#waiting.splice(0, this.#waiting.length, ...this.#waiting.filter((x) => !others.includes(x)));
    const timer = this.#liftTimers.get(w.lift);
    if (timer !== undefined) this.#timers.clear(timer);
    this.#liftTimers.delete(w.lift);
    await this.#commit({ signal: { ...record, ack: final }, removeWaiting: others });
    this.#options.onAcknowledgement?.(final);
  }

  // ---- bookkeeping ---------------------------------------------------------------------------------------------

  /** Throws the code of the mode at the action's place; a constraint judges the action as it runs. */
  #admit(action: GuardAction): void {
    if (this.#storeFailure) throw this.#storeFailure;
    const at = place(action);
    const mode = this.mode(at);
    if (mode === 'stopped' || mode === 'stopping') {
      const takeover = this.#active().some((h) => h.kind === 'takeover' && covers(h, at));
      throw takeover
        ? ovError('ERR_OV_TAKEN_OVER', `task ${action.task} was taken over`)
        : ovError('ERR_OV_STOPPED', `${action.name} refused: the agent is ${mode}`);
    }
    if (mode === 'safe_state') throw ovError('ERR_OV_SAFE_STATE', `${action.name} refused: the lease lapsed`);
    if (mode === 'paused') throw ovError('ERR_OV_PAUSED', `${action.name} refused: the agent is paused`);
  }

  #inScope(scope: Scope): boolean {
    switch (scope.kind) {
      case 'agent':
        return scope.target === this.#options.agent;
      case 'domain':
        return (this.#options.domains ?? []).includes(scope.target);
      default:
        if (this.#options.inScope) return this.#options.inScope(scope);
        return (scope.kind === 'workflow' ? this.#places.workflows : this.#places.tasks).has(scope.target);
    }
  }

  #active(): Hold[] {
    return [...this.#holds.values()].filter((h) => !h.lifted);
  }

  /** Keeps a hold created or changed, or drops it once lifted (spec §8.5). */
  #keep(hold: Hold): void {
    if (retained(hold)) this.#holds.set(hold.jti, hold);
    else this.#holds.delete(hold.jti);
  }

  /**
   * A hold by its signal's `jti`: one kept, or a lifted one rebuilt from its signal's record, so that a lift naming
   * it is judged as before it was dropped (spec §6.3: a stale lift is still refused). Undefined for a signal not
   * processed, and for one that created no hold (a lift, or a signal refused for authority).
   */
  #holdOf(jti: string): Hold | undefined {
    const kept = this.#holds.get(jti);
    if (kept !== undefined) return kept;
    const record = this.#signals.get(jti);
    if (record === undefined) return undefined;
    const signal = claimsOf(overrideSignal, record.bytes);
    if (LIFTING_ACTIONS.has(signal.action.name) || claimsOf(acknowledgement, record.ack).status === 'refused') {
      return undefined;
    }
    const kind = holdKindOf(signal.action.name);
    return {
      jti,
      ctl: signal.ctl,
      order: record.order,
      kind,
      level: signal.level,
      ...(kind === 'stop' || kind === 'takeover' ? { category: signal.category ?? 1 } : {}),
      scope: signal.scope,
      lifted: true,
    };
  }

  #now(): number {
    return Math.floor(readClock(this.#clock) / 1000);
  }

  /** Signs an acknowledgement of a signal; `pred` names the signal, then any record it relied on (a Hand-off). */
  #signAck(signal: OverrideSignalClaims, outcome: Partial<AcknowledgementClaims>, pred: string[] = []): Uint8Array {
    return acknowledgement.sign(this.#ackClaims(signal, outcome, pred), this.#options.key);
  }

  /** The claims of an acknowledgement of a signal, as the agent's state now reports them. */
  #ackClaims(
    signal: OverrideSignalClaims,
    outcome: Partial<AcknowledgementClaims>,
    pred: string[] = [],
  ): AcknowledgementClaims {
    return {
      iss: this.#options.agent,
      iat: this.#now(),
      jti: `ov-ack-${randomUuid(this.#random)}`,
      wid: signal.wid,
      pred: [signal.jti, ...pred],
      signal: signal.jti,
      act_digest: signal.act_digest,
      state: this.state(signal.ctl, scopePlace(signal.scope)),
      ...Object.fromEntries(Object.entries(outcome).filter(([, v]) => v !== undefined)),
    } as AcknowledgementClaims;
  }

  /** Signs the acknowledgement, records the signal with it, persists the change and answers. */
  async #answer(
    signal: OverrideSignalClaims,
    bytes: Uint8Array,
    outcome: Partial<AcknowledgementClaims>,
    change: StateChange = {},
  ): Promise<Answer> {
    // The claims just signed are the answer's: not decoded again from the bytes.
    const claims = this.#ackClaims(signal, outcome);
    const ack = acknowledgement.sign(claims, this.#options.key);
    const record: ProcessedSignal = { jti: signal.jti, bytes, ctl: signal.ctl, order: [signal.epoch, signal.seq], ack };
    this.#signals.remember(record, verifiesUntil(signal));
    const forgotten = this.#forgettable();
    this.#signals.forget(forgotten);
    await this.#commit({ ...change, signal: record, ...(forgotten.length > 0 ? { forgetSignals: forgotten } : {}) });
    return { ack, claims, duplicate: false };
  }

  /**
   * The records to forget (spec §8.5): those of signals that no longer verify, unless a hold in force or a waiting
   * lift is theirs. Looked for each time the records have doubled since, so each record costs the search O(1).
   */
  #forgettable(): string[] {
    if (this.#signals.size < this.#forgetAt) return [];
    const lifts = new Set(this.#waiting.map((w) => w.lift));
    const gone = this.#signals.expired(this.#now(), (jti) => this.#holds.has(jti) || lifts.has(jti));
    this.#forgetAt = Math.max(FORGET_FLOOR, 2 * (this.#signals.size - gone.length));
    return gone;
  }

  /**
   * Persists a change; a failing store leaves the in-memory effect in force and the guard refusing all work. The
   * actions recorded since the last write go with it, so the store never holds a change without the actions that ran
   * before it: a restart sees the history as of its last state change at least.
   */
  async #commit(change: StateChange): Promise<void> {
    const actions = this.#history.take();
    try {
      await storeCall(() => this.#options.store.commit({ ...change, ...actions }));
    } catch (e) {
      this.#storeFailure = e as SafetyNetError;
      throw e;
    }
  }
}

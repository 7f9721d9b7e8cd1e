import { cpError } from '../errors.js';
import type { Policy, PolicyContext } from '../policy/policy.js';
import { UNSIGNALLED } from '../policy/policy.js';
import { ABORTED, abortedError, callAbortable } from '../util/abortable.js';
import { invalid } from '../util/checks.js';
import { openDuration } from './backoff.js';
import { TransitionEmitter } from './events.js';
import { type BreakerOptions, type ResolvedBreakerOptions, resolveBreakerOptions } from './options.js';
import { type RemoteRequest, RemoteSources } from './remote-sources.js';
import type { CircuitState, TransitionListener, TransitionReason } from './state.js';
import { FAILURE, type OutcomeWindow, SLOW } from './window.js';

/** Per-call options of {@link CircuitBreaker.execute}. */
export interface ExecuteOptions<T> {
  /** Aborting it rejects the call with `ERR_CP_ABORTED`; the function receives it too. */
  readonly signal?: AbortSignal;
  /** Replaces a refusal (`ERR_CP_CIRCUIT_OPEN`) or a failed call with a value: graceful degradation. */
  readonly fallback?: (error: unknown) => T | PromiseLike<T>;
}

/** A breaker's counters at one moment. */
export interface BreakerSnapshot {
  readonly breaker: string;
  readonly dependency: string;
  readonly domain?: string;
  readonly state: CircuitState;
  /** Whole seconds; `sinceMs` is the clock reading. */
  readonly since: number;
  readonly sinceMs: number;
  /** Sequence number of the last transition (0 before any). */
  readonly seq: number;
  /** Outcomes in the window (closed only; the window is emptied on entering closed). */
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  readonly failureRate: number;
  readonly slowCallRate: number;
  /** Consecutive trips, the backoff step. */
  readonly trips: number;
  /** Probes in flight and succeeded, in half_open. */
  readonly probesInFlight: number;
  readonly probeSuccesses: number;
  /** open / forced_open: seconds and ms. */
  readonly retryAfter?: number;
  readonly retryAfterMs?: number;
}

/** How a call was let through; decides what its outcome counts for. */
const CLOSED = 0;
const PROBE = 1;
const PASS = 2;
const REFUSED = 3;
type Admission = typeof CLOSED | typeof PROBE | typeof PASS | typeof REFUSED;

function checkDetail(detail: unknown): string | undefined {
  if (detail !== undefined && (typeof detail !== 'string' || detail.length > 1024))
    invalid('detail must be text of at most 1024 characters');
  return detail;
}

function checkUntil(until: unknown): number | undefined {
  if (until !== undefined && (typeof until !== 'number' || !Number.isFinite(until)))
    invalid('until must be a finite clock reading in ms');
  return until;
}

/**
 * A circuit breaker with the states, transitions and reasons of spec §3: sliding count or time window, failure-
 * and slow-call-rate thresholds over a minimum volume, exponential backoff with jitter on repeated trips, half-open
 * probes, operator overrides, remote announcements, abort signals, fallbacks and transition events from which a
 * Circuit State Announcement can be signed directly.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ id: 'llm-pool', dependency: 'https://pool.example/v1', openDurationMs: 10_000 });
 * breaker.onTransition((t) => console.log(t.from, '→', t.to, t.reason.kind));
 * const answer = await breaker.execute(({ signal }) => fetch(url, { signal }).then((r) => r.json()), {
 *   fallback: () => cachedAnswer,
 * });
 * ```
 */
export class CircuitBreaker implements Policy {
  private readonly o: ResolvedBreakerOptions;
  private readonly window: OutcomeWindow;
  private readonly emitter: TransitionEmitter;
  /** Calls read the clock only when slow calls are tracked or the window is time-based. */
  private readonly timedCalls: boolean;
  private current: CircuitState = 'closed';
  private sinceMs: number;
  private closedAtMs: number;
  private lastSeq = 0;
  private retryAtMs = 0;
  /** forced_open with an `until`: the hold ends by itself. */
  private forcedEnds = false;
  private trips = 0;
  /** Bumped on every transition, so probes of an earlier half-open period are told apart. */
  private generation = 0;
  private probesInFlight = 0;
  private probeSuccesses = 0;
  /** The remote key whose announcement or signal opened the breaker; undefined when it opened on its own. */
  private openedBy: string | undefined;
  private readonly remote: RemoteSources;

  // Bound once: the closed fast path hands these to `then` instead of creating closures per call.
  private readonly onFastSuccess = <T>(value: T): T => {
    if (this.current === 'closed') this.record(0, 0);
    return value;
  };
  private readonly onFastFailure = (error: unknown): never => {
    if (this.current === 'closed') this.record(this.failureBit(error), 0);
    throw error;
  };

  constructor(options: BreakerOptions) {
    this.o = resolveBreakerOptions(options);
    this.window = this.o.window;
    this.timedCalls = this.o.slowCallDurationMs > 0 || this.window.timed;
    this.emitter = new TransitionEmitter(this.o.onListenerError);
    this.remote = new RemoteSources(this.o.dependency, this.o.maxRemoteSources);
    this.sinceMs = this.o.clock.now();
    this.closedAtMs = this.sinceMs;
  }

  /** The breaker's id. */
  get id(): string {
    return this.o.id;
  }

  /** The protected dependency. */
  get dependency(): string {
    return this.o.dependency;
  }

  /** The current state; an open breaker whose time has come turns half-open on this read. */
  get state(): CircuitState {
    if (this.current === 'open' || this.current === 'forced_open') this.refresh(this.o.clock.now());
    return this.current;
  }

  /**
   * Runs `fn` through the breaker. Refused calls reject with `ERR_CP_CIRCUIT_OPEN` without calling `fn` (or give
   * the fallback's value); aborted ones with `ERR_CP_ABORTED`. Other rejections of `fn` pass through (or give the
   * fallback's value) after being counted. The function gets the signal in its context; a bare signal as the
   * second argument is `{ signal }` (the {@link Policy} form, for {@link wrap}).
   */
  execute<T>(fn: (ctx: PolicyContext) => T | PromiseLike<T>, options?: ExecuteOptions<T> | AbortSignal): Promise<T> {
    if (options === undefined && this.current === 'closed' && !this.timedCalls && typeof fn === 'function') {
      let pending: T | PromiseLike<T>;
      try {
        pending = fn(UNSIGNALLED);
      } catch (error) {
        return Promise.reject(error).catch(this.onFastFailure);
      }
      return Promise.resolve(pending).then(this.onFastSuccess, this.onFastFailure);
    }
    return this.executeChecked(fn, options instanceof AbortSignal ? { signal: options } : options);
  }

  private async executeChecked<T>(
    fn: (ctx: PolicyContext) => T | PromiseLike<T>,
    options: ExecuteOptions<T> | undefined,
  ): Promise<T> {
    if (typeof fn !== 'function') invalid('execute needs a function');
    if (options !== undefined && (typeof options !== 'object' || options === null))
      invalid('execute options must be an object');
    const signal = options?.signal;
    const fallback = options?.fallback;
    if (fallback !== undefined && typeof fallback !== 'function') invalid('fallback must be a function');
    if (signal !== undefined && !(signal instanceof AbortSignal)) invalid('signal must be an AbortSignal');
    if (signal?.aborted) throw abortedError(signal, `${this.o.id}: aborted before the call`);
    const admission = this.admit();
    if (admission === REFUSED) {
      const refusal = cpError('ERR_CP_CIRCUIT_OPEN', `${this.o.id} is ${this.current}`);
      if (fallback === undefined) throw refusal;
      return fallback(refusal);
    }
    const generation = this.generation;
    const start = this.timedCalls ? this.o.clock.now() : 0;
    let value: T;
    try {
      value = await (signal === undefined ? fn(UNSIGNALLED) : callAbortable(fn, { signal }, signal));
    } catch (error) {
      if (error === ABORTED && signal !== undefined) {
        if (admission === PROBE && generation === this.generation) this.probesInFlight--;
        throw abortedError(signal, `${this.o.id}: aborted during the call`);
      }
      this.settle(admission, generation, start, this.failureBit(error));
      if (fallback === undefined) throw error;
      return fallback(error);
    }
    this.settle(admission, generation, start, 0);
    return value;
  }

  /** Decides whether a call may run now, taking a probe slot when half-open. */
  private admit(): Admission {
    switch (this.current) {
      case 'closed':
        return CLOSED;
      case 'disabled':
        return PASS;
      case 'open':
      case 'forced_open':
        this.refresh(this.o.clock.now());
        if ((this.current as CircuitState) !== 'half_open') return REFUSED;
        break;
      case 'half_open':
        break;
    }
    if (
      this.probesInFlight >= this.o.halfOpenMaxConcurrent ||
      this.probeSuccesses + this.probesInFlight >= this.o.halfOpenSuccesses
    ) {
      return REFUSED;
    }
    this.probesInFlight++;
    return PROBE;
  }

  private failureBit(error: unknown): number {
    const isFailure = this.o.isFailure;
    if (isFailure === undefined) return FAILURE;
    try {
      return isFailure(error) ? FAILURE : 0;
    } catch {
      return FAILURE;
    }
  }

  /** Counts the outcome of a call that was let through. */
  private settle(admission: Admission, generation: number, start: number, outcome: number): void {
    if (admission === PASS) return;
    let now = 0;
    if (this.timedCalls) {
      now = this.o.clock.now();
      if (this.o.slowCallDurationMs > 0 && now - start >= this.o.slowCallDurationMs) outcome |= SLOW;
    }
    if (admission === CLOSED) {
      if (this.current === 'closed') this.record(outcome, now);
      return;
    }
    if (generation !== this.generation) return;
    this.probesInFlight--;
    if (!this.timedCalls) now = this.o.clock.now();
    if (outcome !== 0) {
      this.trips++;
      this.moveTo(
        'open',
        { kind: 'probe_failed', detail: outcome & FAILURE ? 'probe failed' : 'probe was slow' },
        now,
        this.nextRetryAt(now),
      );
    } else if (++this.probeSuccesses >= this.o.halfOpenSuccesses) {
      this.moveTo('closed', { kind: 'probe_succeeded', calls: this.probeSuccesses }, now);
    }
  }

  /** Records an outcome while closed and opens on a crossed threshold. */
  private record(outcome: number, now: number): void {
    const w = this.window;
    w.record(outcome, now);
    if (w.calls < this.o.minimumCalls) return;
    const failureRate = w.failures / w.calls;
    const slowRate = w.slow / w.calls;
    let reason: TransitionReason;
    if (failureRate >= this.o.failureRateThreshold) {
      reason = {
        kind: 'failure_rate',
        rate: failureRate,
        threshold: this.o.failureRateThreshold,
        window: w.span,
        calls: w.calls,
      };
    } else if (this.o.slowCallDurationMs > 0 && slowRate >= this.o.slowCallRateThreshold) {
      reason = {
        kind: 'slow_call_rate',
        rate: slowRate,
        threshold: this.o.slowCallRateThreshold,
        window: w.span,
        calls: w.calls,
      };
    } else {
      return;
    }
    const at = this.timedCalls ? now : this.o.clock.now();
    this.startTripFromClosed(at);
    this.moveTo('open', reason, at, this.nextRetryAt(at));
  }

  /** Counts a trip from closed, first forgiving earlier ones when the breaker stayed closed for `resetMs`. */
  private startTripFromClosed(now: number): void {
    if (now - this.closedAtMs >= this.o.backoff.resetMs) this.trips = 0;
    this.trips++;
  }

  private nextRetryAt(now: number): number {
    return now + openDuration(this.o.backoff, this.trips, this.o.random);
  }

  /** Open or forced-open breakers whose time has come turn half-open. */
  private refresh(now: number): void {
    const due =
      (this.current === 'open' || (this.current === 'forced_open' && this.forcedEnds)) && now >= this.retryAtMs;
    if (due) this.moveTo('half_open', { kind: 'open_elapsed' }, now);
  }

  private moveTo(to: CircuitState, reason: TransitionReason, now: number, retryAtMs?: number, openedBy?: string): void {
    const from = this.current;
    this.current = to;
    this.generation++;
    if (from !== to) this.sinceMs = now;
    this.lastSeq = Math.max(this.lastSeq + 1, Number.isFinite(now) ? Math.floor(now) : 0);
    this.retryAtMs = retryAtMs ?? 0;
    this.openedBy = openedBy;
    if (to === 'closed') {
      this.window.clear();
      this.closedAtMs = now;
    } else if (to === 'half_open') {
      this.probesInFlight = 0;
      this.probeSuccesses = 0;
    }
    const o = this.o;
    this.emitter.emit({
      breaker: o.id,
      dependency: o.dependency,
      ...(o.domain === undefined ? {} : { domain: o.domain }),
      from,
      to,
      reason,
      at: now,
      since: Math.floor(this.sinceMs / 1000),
      seq: this.lastSeq,
      ...(retryAtMs === undefined ? {} : { retryAfter: Math.ceil(retryAtMs / 1000), retryAfterMs: retryAtMs }),
    });
  }

  /**
   * Opens the breaker until `until` (ms, kept when already open until later) on evidence that does not come
   * from its own calls. Returns whether anything changed.
   */
  private openUntil(reason: TransitionReason, now: number, until: number, openedBy: string | undefined): boolean {
    if (this.current === 'forced_open' || this.current === 'disabled' || until <= now) return false;
    if (this.current === 'open') {
      if (until <= this.retryAtMs) return false;
      openedBy = this.openedBy;
    }
    this.moveTo('open', reason, now, until, openedBy);
    return true;
  }

  /**
   * Opens the breaker on an explicit signal or on evidence until `untilMs`, or for the next backoff step when
   * absent. No effect when forced open or disabled. Returns whether the state changed. For a Behavioral Evidence
   * Token use `tripOnEvidence`, which checks the token's appraisal first.
   *
   * @example
   * ```ts
   * breaker.trip('explicit_signal', 'the operator of the pool reported an outage');
   * ```
   */
  trip(kind: 'explicit_signal' | 'evidence', detail?: string, untilMs?: number): boolean {
    if (kind !== 'explicit_signal' && kind !== 'evidence') invalid("trip kind must be 'explicit_signal' or 'evidence'");
    const reason: TransitionReason = { kind, ...(checkDetail(detail) === undefined ? {} : { detail }) };
    checkUntil(untilMs);
    const now = this.o.clock.now();
    this.refresh(now);
    if (untilMs !== undefined) return this.openUntil(reason, now, untilMs, undefined);
    if (this.current !== 'closed' && this.current !== 'half_open') return false;
    if (this.current === 'closed') this.startTripFromClosed(now);
    else this.trips++;
    this.moveTo('open', reason, now, this.nextRetryAt(now));
    return true;
  }

  /**
   * Operator: holds the breaker open until {@link reset} or {@link disable}, or until `untilMs` when given (then
   * it turns half-open).
   */
  forceOpen(detail?: string, untilMs?: number): void {
    const reason: TransitionReason = { kind: 'operator', ...(checkDetail(detail) === undefined ? {} : { detail }) };
    checkUntil(untilMs);
    const now = this.o.clock.now();
    this.forcedEnds = untilMs !== undefined;
    this.moveTo('forced_open', reason, now, untilMs ?? now + this.o.backoff.baseMs);
  }

  /** Operator: every call passes and nothing is counted until {@link reset}. */
  disable(detail?: string): void {
    checkDetail(detail);
    if (this.current === 'disabled') return;
    this.moveTo('disabled', { kind: 'operator', ...(detail === undefined ? {} : { detail }) }, this.o.clock.now());
  }

  /** Operator: back to closed with an empty window and no trips counted. */
  reset(detail?: string): void {
    checkDetail(detail);
    this.trips = 0;
    if (this.current === 'closed') {
      this.window.clear();
      return;
    }
    this.moveTo('closed', { kind: 'operator', ...(detail === undefined ? {} : { detail }) }, this.o.clock.now());
  }

  /**
   * Applies a verified Circuit State Announcement of a peer for the same dependency (spec §3.6). Throws
   * `ERR_CP_ANNOUNCEMENT_STALE` when its `seq` is not above the last applied for its issuer and breaker,
   * `ERR_CP_TOO_MANY_SOURCES` when it comes from a new (issuer, breaker) pair and `maxRemoteSources` pairs are
   * already kept, and `ERR_CLAIMS_INVALID` for malformed claims. Returns whether the local state changed.
   *
   * @example
   * ```ts
   * const { claims } = verifiedAnnouncement;
   * breaker.applyRemote(claims); // a peer's `open` opens ours until its retry_after
   * ```
   */
  applyRemote(announcement: unknown): boolean {
    return this.applyRequest(this.remote.announcement(announcement));
  }

  /**
   * Applies a verified Failure Signal (spec §2.2, §3.6) whose issuer is this breaker's dependency; signals about
   * anyone else are ignored (returns false). `unavailable` opens until `until`, `recovered` lets a breaker that
   * such a signal opened probe again. Signals are ordered by (`iat`, `jti`): one not after the last applied — the
   * same signal again included — is `ERR_CP_ANNOUNCEMENT_STALE` and changes nothing.
   */
  applyFailureSignal(signal: unknown): boolean {
    const request = this.remote.failureSignal(signal);
    return request !== undefined && this.applyRequest(request);
  }

  /** Acts on what a peer or the dependency asked for; returns whether the state changed. */
  private applyRequest(r: RemoteRequest): boolean {
    const now = this.o.clock.now();
    this.refresh(now);
    const reason: TransitionReason = { kind: 'explicit_signal', detail: r.detail };
    if (r.action === 'open') {
      const until = r.untilMs ?? now + openDuration(this.o.backoff, this.trips + 1, this.o.random);
      return this.openUntil(reason, now, until, r.key);
    }
    if (r.action === 'none' || this.current !== 'open' || this.openedBy !== r.key) return false;
    this.moveTo('half_open', reason, now);
    return true;
  }

  /**
   * Calls `listener` on every transition; returns the function that removes it. A throwing listener does not
   * affect the breaker or the other listeners.
   */
  onTransition(listener: TransitionListener): () => void {
    if (typeof listener !== 'function') invalid('listener must be a function');
    return this.emitter.add(listener);
  }

  /** Current state and counters. */
  snapshot(): BreakerSnapshot {
    const now = this.o.clock.now();
    this.refresh(now);
    if (this.window.timed) this.window.advance(now);
    const w = this.window;
    const o = this.o;
    const opened = this.current === 'open' || this.current === 'forced_open';
    return {
      breaker: o.id,
      dependency: o.dependency,
      ...(o.domain === undefined ? {} : { domain: o.domain }),
      state: this.current,
      since: Math.floor(this.sinceMs / 1000),
      sinceMs: this.sinceMs,
      seq: this.lastSeq,
      calls: w.calls,
      failures: w.failures,
      slowCalls: w.slow,
      failureRate: w.calls === 0 ? 0 : w.failures / w.calls,
      slowCallRate: w.calls === 0 ? 0 : w.slow / w.calls,
      trips: this.trips,
      probesInFlight: this.probesInFlight,
      probeSuccesses: this.probeSuccesses,
      ...(opened ? { retryAfter: Math.ceil(this.retryAtMs / 1000), retryAfterMs: this.retryAtMs } : {}),
    };
  }
}

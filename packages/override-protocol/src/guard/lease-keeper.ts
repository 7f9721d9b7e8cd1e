import { bytesEqual, type Clock, readClock } from '@safety-net/core';
import { ovError } from '../errors.js';
import type { AgentState } from '../messages/common.js';
import type { HeartbeatClaims } from '../messages/heartbeat.js';
import { type LeaseClaims, lease } from '../messages/lease.js';
import { claimsOf } from './decode.js';
import type { Hold } from './hold.js';
import { DEFAULT_LAPSE_SKEW, type LeaseOptions, lapseHold, lapseHoldId, msUntilLapse, type Receipt } from './lapse.js';
import type { GuardTimers } from './options.js';
import type { LeaseRecord } from './state-store.js';

/** Lifetime of a heartbeat the guard signs (spec §4.11), seconds. */
const HEARTBEAT_LIFETIME = 60;

/** The lease an agent works under, with when it arrived. */
export interface HeldLease {
  readonly claims: LeaseClaims;
  readonly record: LeaseRecord;
  readonly receipt: Receipt;
}

/**
 * The agent's side of the dead-man's switch (spec §9): verifies and keeps the current lease, tells when it has
 * lapsed on both clocks, and runs a local timer for the lapse — no network is involved in going to the safe state.
 */
export class LeaseKeeper {
  readonly #options: LeaseOptions;
  readonly #agent: string;
  readonly #clock: Clock;
  readonly #timers: GuardTimers;
  readonly #skew: number;
  #held: HeldLease | undefined;
  #timer: unknown;
  /** Heartbeats that carried the unreported lapse: a lease answering one of them means the control plane knows. */
  readonly #reportedIn = new Set<string>();

  constructor(options: LeaseOptions, agent: string, clock: Clock, timers: GuardTimers) {
    this.#options = options;
    this.#agent = agent;
    this.#clock = clock;
    this.#timers = timers;
    this.#skew = options.lapseSkew ?? DEFAULT_LAPSE_SKEW;
  }

  get ctl(): string {
    return this.#options.ctl;
  }

  get held(): HeldLease | undefined {
    return this.#held;
  }

  /**
   * Takes the lease a restarted agent had stored. Its monotonic receipt is unknown after a restart, so it is taken
   * as the wall-clock time elapsed since the receipt (never less than none).
   */
  restore(record: LeaseRecord): void {
    const wall = readClock(this.#clock);
    const receipt = { wall: record.received_at, mono: this.#mono() - Math.max(0, wall - record.received_at) };
    this.#held = { claims: claimsOf(lease, record.bytes), record, receipt };
  }

  /**
   * Verifies a Lease with the control plane's key and makes it the current one; `undefined` for the lease already
   * held. `ERR_OV_OUT_OF_SCOPE` for a lease of another control plane or agent, `ERR_OV_STALE` for one issued
   * before the current one, the verification's code otherwise (an expired lease among them).
   */
  accept(bytes: Uint8Array): HeldLease | undefined {
    if (this.#held && bytesEqual(this.#held.record.bytes, bytes)) return undefined;
    const result = lease.verify(bytes, { key: this.#options.key, clock: this.#clock });
    if (!result.ok) throw result.error;
    const claims = result.claims;
    if (claims.iss !== this.#options.ctl || claims.sub !== this.#agent) {
      throw ovError('ERR_OV_OUT_OF_SCOPE', `the lease is not from ${this.#options.ctl} for ${this.#agent}`);
    }
    const current = this.#held?.claims;
    if (current && claims.iat < current.iat) {
      throw ovError('ERR_OV_STALE', `lease ${claims.jti} was issued before the current ${current.jti}`);
    }
    const known = this.#held?.record.unreported_lapse;
    const reported = claims.pred.some((p) => this.#reportedIn.has(p));
    if (reported) this.#reportedIn.clear();
    const wall = readClock(this.#clock);
    const record: LeaseRecord = {
      bytes,
      received_at: wall,
      ...(known !== undefined && !reported ? { unreported_lapse: known } : {}),
    };
    this.#held = { claims, record, receipt: { wall, mono: this.#mono() } };
    return this.#held;
  }

  /** Milliseconds until the current lease lapses (≤ 0 once it has), or undefined without a lease. */
  remaining(): number | undefined {
    const h = this.#held;
    if (!h) return undefined;
    return msUntilLapse(h.claims, h.receipt, { wall: readClock(this.#clock), mono: this.#mono() }, this.#skew);
  }

  /**
   * The lapse of the current lease, once it is due and not yet recorded: its hold (not yet halted) and the lease
   * record to store, which keeps the lapse for the next heartbeats. After a restart or a wall clock set forward, the
   * lapse happened at the lease's end, not when it was noticed: `lapsed_at` is the earlier of the two.
   */
  lapse(now: number, recorded: (jti: string) => boolean): { hold: Hold; record: LeaseRecord } | undefined {
    const h = this.#held;
    if (!h || recorded(lapseHoldId(h.claims.jti)) || this.remaining()! > 0) return undefined;
    const lapsedAt = Math.min(now, h.claims.exp + this.#skew);
    this.stop();
    this.#held = { ...h, record: { ...h.record, unreported_lapse: lapsedAt } };
    return { hold: lapseHold(h.claims, lapsedAt), record: this.#held.record };
  }

  /** The claims of a fresh Heartbeat (spec §4.5): `lapsed_at` while the lapse is unreported (see {@link accept}). */
  heartbeat(agent: string, state: AgentState, iat: number, jti: string): HeartbeatClaims {
    const at = this.#held?.record.unreported_lapse;
    if (at !== undefined) this.#reportedIn.add(jti);
    const ctl = this.#options.ctl;
    return {
      iss: agent,
      aud: ctl,
      iat,
      exp: iat + HEARTBEAT_LIFETIME,
      jti,
      wid: `ov:${ctl}:agent:${agent}`,
      pred: this.#held ? [this.#held.claims.jti] : [],
      ctl,
      state,
      ...(at !== undefined ? { lapsed_at: at } : {}),
    };
  }

  /** Arms the local timer for the current lease's lapse; `due` runs when it fires. */
  schedule(due: () => void): void {
    this.stop();
    const ms = this.remaining();
    if (ms === undefined) return;
    this.#timer = this.#timers.set(Math.max(0, ms), () => {
      this.#timer = undefined;
      due();
    });
  }

  stop(): void {
    if (this.#timer !== undefined) this.#timers.clear(this.#timer);
    this.#timer = undefined;
  }

  #mono(): number {
    return (this.#options.monotonic ?? (() => performance.now()))();
  }
}

import type { Order } from '../messages/common.js';
import type { Hold } from './hold.js';

/** A processed signal: its bytes and the acknowledgement last recorded for it (spec §6.4). */
export interface ProcessedSignal {
  readonly jti: string;
  readonly bytes: Uint8Array;
  readonly ctl: string;
  readonly order: Order;
  readonly ack: Uint8Array;
}

/** A lift that names a hold not received yet (spec §6.3): applied to it if it comes with a lower order. */
export interface WaitingLift {
  /** The hold it names. */
  readonly hold: string;
  /** The lift signal. */
  readonly lift: string;
  readonly ctl: string;
  readonly order: Order;
  readonly action: 'resume' | 'release';
}

/** The lease the agent holds (spec §9): its bytes, when it arrived, and a lapse not yet reported in a heartbeat. */
export interface LeaseRecord {
  readonly bytes: Uint8Array;
  /** Wall-clock milliseconds at receipt. */
  readonly received_at: number;
  /** Seconds: when the agent's lease last lapsed, until a heartbeat has carried it (spec §4.5). */
  readonly unreported_lapse?: number;
}

/** An Approval Request still waiting (spec §8.4): its bytes and the decisions that counted so far. */
export interface PendingApproval {
  readonly jti: string;
  readonly request: Uint8Array;
  readonly decisions: readonly Uint8Array[];
}

/**
 * An action that ran while a profile with rate or budget rules was enforced, with what those windows need of it
 * (spec §8.1): a profile put in force later counts it.
 */
export interface RecentAction {
  /** Its place in the order the guard recorded actions. */
  readonly seq: number;
  readonly name: string;
  /** Wall-clock milliseconds when it started. */
  readonly time_ms: number;
  readonly task?: string;
  readonly workflow?: string;
  /** Its numeric parameters only. */
  readonly params?: Readonly<Record<string, number | string>>;
}

/** Everything a guard keeps across restarts (spec §8.5). */
export interface GuardState {
  readonly signals: readonly ProcessedSignal[];
  readonly holds: readonly Hold[];
  readonly waiting: readonly WaitingLift[];
  /** The highest order applied, per control plane. */
  readonly orders: readonly { readonly ctl: string; readonly order: Order }[];
  readonly policy?: Uint8Array;
  readonly revocations: readonly { readonly kid: string; readonly revoked_at: number }[];
  readonly lease?: LeaseRecord;
  readonly approvals: readonly PendingApproval[];
  /** The recent actions of §8.1, in any order (a store that keeps none gives none). */
  readonly actions?: readonly RecentAction[];
}

/** One change of the guard's state, written in one transaction. */
export interface StateChange {
  /** A signal processed, or a new acknowledgement for one already recorded. */
  readonly signal?: ProcessedSignal;
  /**
   * Signal records forgotten, by `jti` (spec §8.5): their signals no longer verify, and no hold in force or waiting
   * lift is theirs.
   */
  readonly forgetSignals?: readonly string[];
  /**
   * Holds created or changed (lifted, halted), whole. A lifted hold is deleted rather than kept, except a lapse
   * hold (spec §8.5): its signal's record is what a later lift naming it is judged by.
   */
  readonly holds?: readonly Hold[];
  readonly addWaiting?: readonly WaitingLift[];
  /** Waiting lifts settled, by the hold they name and the lift. */
  readonly removeWaiting?: readonly Pick<WaitingLift, 'hold' | 'lift'>[];
  readonly order?: { readonly ctl: string; readonly order: Order };
  readonly policy?: Uint8Array;
  readonly revocations?: readonly { readonly kid: string; readonly revoked_at: number }[];
  /** The lease now held, whole. */
  readonly lease?: LeaseRecord;
  /** An approval request created or given a decision, whole. */
  readonly approval?: PendingApproval;
  /** An approval request that is no longer waiting (decided or timed out), by `jti`. */
  readonly closeApproval?: string;
  /** Actions recorded for the windows of profiles put in force later (spec §8.1), in the order they started. */
  readonly addActions?: readonly RecentAction[];
  /** Recent actions forgotten: every one whose `seq` is lower, those this change adds included. */
  readonly forgetActionsBefore?: number;
}

/**
 * The guard's durable state (spec §8.5): one contract, in memory and in SQLite. A failure is reported as
 * `ERR_OV_STORE_FAILED`, after which the guard refuses all work.
 */
export interface OverrideStateStore {
  load(): Promise<GuardState>;
  commit(change: StateChange): Promise<void>;
  close(): Promise<void>;
}

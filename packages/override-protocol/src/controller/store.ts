import type { OutboxEntry } from '../delivery/outbox.js';

export type { OutboxEntry };

import type { AckStatus } from '../messages/acknowledgement.js';
import type { Level, Order } from '../messages/common.js';

/**
 * Where a delivery of a signal to one agent stands (spec §7.6), in the order it only ever moves: `pending` (resent
 * until acknowledged), `received` (no longer resent, the final answer still awaited), `final` (a final
 * acknowledgement came) or `failed` (the agent answered with an error code: resending cannot change it), then
 * `settled` once its Compliance Evidence is signed.
 */
export type DeliveryState = 'pending' | 'received' | 'final' | 'failed' | 'settled';

/** How far each state is along; a store never moves a delivery back. */
export const DELIVERY_RANK: Readonly<Record<DeliveryState, number>> = {
  pending: 0,
  received: 1,
  final: 2,
  failed: 2,
  settled: 3,
};

/** A signal to record: its signed bytes, what scheduling needs, and the agents its scope resolved to (spec §7.5). */
export interface NewSignal {
  readonly jti: string;
  readonly bytes: Uint8Array;
  readonly level: Level;
  /** Seconds. */
  readonly deadline: number;
  /** Seconds. */
  readonly exp: number;
  readonly agents: readonly string[];
}

/** A recorded signal with its place in the order (spec §6). */
export interface StoredSignal extends NewSignal {
  readonly order: Order;
}

/** A signal just recorded, with the place it took in the outbox of each agent of its scope. */
export interface RecordedSignal extends StoredSignal {
  /** Each agent's outbox position of the signal: the `id` of its pull event (spec §7.2), the `after` of §7.3. */
  readonly positions: ReadonlyMap<string, number>;
}

/** One signal's delivery to one agent. */
export interface Delivery {
  readonly signal: string;
  readonly agent: string;
  /** The signal's position in the agent's outbox (what the pull transports name it by, spec §7.2). */
  readonly position: number;
  readonly state: DeliveryState;
  /** Attempts made so far, by every instance. */
  readonly attempts: number;
  /** `failed`: the code the agent answered with. */
  readonly code?: string;
}

/** An instance's claim on a delivery: it alone sends it until `untilMs` (spec §10). */
export interface DeliveryClaim {
  readonly instance: string;
  readonly untilMs: number;
}

/** A change to a delivery. A state that is not further along than the stored one is ignored. */
export interface DeliveryUpdate {
  readonly state?: DeliveryState;
  readonly code?: string;
  /** Counts one more attempt. */
  readonly attempt?: boolean;
  /** Renews (or takes) the claim. */
  readonly claim?: DeliveryClaim;
}

/** A verified acknowledgement. */
export interface StoredAck {
  readonly jti: string;
  readonly signal: string;
  readonly agent: string;
  readonly status: AckStatus;
  readonly iat: number;
  readonly bytes: Uint8Array;
}

/**
 * The other records the control plane signs or receives (spec §10), among them the BETs, Hand-offs and rollback
 * records its compliance checks rely on (spec §7.7).
 */
export type RecordKind =
  | 'evidence'
  | 'escalation'
  | 'revocation'
  | 'announcement'
  | 'lease'
  | 'heartbeat'
  | 'bet'
  | 'handoff'
  | 'rollback-request'
  | 'rollback-complete';

/** A signed record, kept as its bytes. */
export interface StoredRecord {
  readonly kind: RecordKind;
  readonly jti: string;
  readonly agent: string;
  /** The signal it concerns, when it concerns one. */
  readonly signal?: string;
  readonly iat: number;
  readonly bytes: Uint8Array;
}

/** A registered agent as the store keeps it (spec §10): its id and its registration's encoding. */
export interface StoredAgent {
  readonly id: string;
  readonly bytes: Uint8Array;
}

/** What {@link ControllerStore.prune} removed. */
export interface Pruned {
  /** Outbox entries, each with its delivery. */
  readonly deliveries: number;
  readonly acks: number;
}

/**
 * The control plane's durable state (spec §10): the order counter, every signal issued with the agents its scope
 * resolved to, each agent's outbox with the delivery state of the signals in it, acknowledgements, and the
 * records it signs or receives. Every method is one transaction; an implementation passes the contract suite.
 */
export interface ControllerStore {
  /** Takes the next order alone, for a payload that operators sign before it is recorded (spec §5.4). */
  takeOrder(): Promise<Order>;
  /**
   * Takes the next order and, in the same transaction, records the signal `build` signs with it, its outbox entry
   * per agent and their deliveries, claimed by `claim`, with the outbox positions the entries took. `build` runs
   * inside the transaction and must not await.
   */
  issue(build: (order: Order) => NewSignal, claim: DeliveryClaim): Promise<RecordedSignal>;
  /** Records a signal whose order {@link takeOrder} gave (a pre-signed signal); `ERR_OV_CONFLICT` on a reuse. */
  record(signal: StoredSignal, claim: DeliveryClaim): Promise<RecordedSignal>;
  signal(jti: string): Promise<StoredSignal | undefined>;
  /** The agent's outbox after `position`, in order, at most `limit` entries. */
  outboxAfter(agent: string, position: number, limit: number): Promise<OutboxEntry[]>;
  /**
   * Resolves once the agent's outbox holds an entry after `position` (at once if it already does), or when
   * `abort` fires. Written in this process only: instances sharing a database are not woken by each other.
   */
  waitForOutbox(agent: string, position: number, abort?: AbortSignal): Promise<void>;
  deliveries(signal: string): Promise<Delivery[]>;
  updateDelivery(signal: string, agent: string, update: DeliveryUpdate): Promise<void>;
  /**
   * Claims up to `limit` deliveries not yet settled whose claim is free, expired at `nowMs` or already this
   * instance's (spec §10): how a restarted or surviving instance takes over what another promised.
   */
  claimDeliveries(claim: DeliveryClaim, nowMs: number, limit: number): Promise<Delivery[]>;
  /**
   * Records a verified acknowledgement and moves its delivery on (`received`, or `final` for a final status), in one
   * transaction. Resolves false when the agent's ack of that `jti` was already recorded: a replay changes nothing.
   * Keyed by agent and `jti`, so that no agent can take another's `jti` first.
   */
  addAck(ack: StoredAck): Promise<boolean>;
  acks(signal: string): Promise<StoredAck[]>;
  /** Records a signed record; the same `jti` again is a no-op. */
  addRecord(record: StoredRecord): Promise<void>;
  records(kind: RecordKind, filter?: { signal?: string; agent?: string }): Promise<StoredRecord[]>;
  /**
   * Records a Lease (a record of kind `lease`) and appends it to its agent's outbox as `ov-lease` (spec §7.2), in
   * one transaction, then removes the agent's older `ov-lease` entries: a superseded lease is of no use to an agent
   * that pulls. Resolves to the lease's outbox position. The same `jti` again records and appends nothing.
   */
  addLease(record: StoredRecord): Promise<number | undefined>;
  /** Records an agent's registration, replacing the one stored under its id. */
  addAgent(agent: StoredAgent): Promise<void>;
  /** Every stored registration, by id: what a restarted control plane knows again without re-registering. */
  agents(): Promise<StoredAgent[]>;
  /**
   * Retention (spec §10): for each signal whose `exp` is before `before` (seconds) and whose every delivery is
   * settled, removes its acknowledgements and its outbox entries with their deliveries — except the newest entry of
   * each agent's outbox, so that positions keep increasing. The signal itself (its order), evidence and the other
   * records are kept.
   */
  prune(options: { before: number }): Promise<Pruned>;
  close(): Promise<void>;
}

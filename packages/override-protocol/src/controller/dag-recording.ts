import { bet } from '@safety-net/behavioral-verification';
import { circuitAnnouncement, rollbackComplete, rollbackRequest } from '@safety-net/cascade-prevention';
import { type DagLinkClaims, type DagNodeInput, dagNodeOf, type MessageType } from '@safety-net/core';
import { acknowledgement } from '../messages/acknowledgement.js';
import { complianceEvidence } from '../messages/compliance-evidence.js';
import { escalationRecord } from '../messages/escalation-record.js';
import { handoff } from '../messages/handoff.js';
import { heartbeat } from '../messages/heartbeat.js';
import { keyRevocation } from '../messages/key-revocation.js';
import { lease } from '../messages/lease.js';
import { overrideSignal } from '../messages/override-signal.js';
import { claimsOf } from './decode.js';
import type { ControllerStore, RecordKind, StoredAck, StoredRecord } from './store.js';

/** Where the control plane's records go as ECT DAG nodes (an `EctDag`, or anything that keeps nodes likewise). */
export interface RecordDag {
  has(jti: string): boolean;
  insert(node: DagNodeInput): void;
}

/**
 * The message type of every kind of record, this protocol's and the other packages' that the control plane verifies
 * (BETs, rollback records) or signs (its escalation's breaker announcements).
 */
// biome-ignore lint/suspicious/noExplicitAny: the message types differ in their claims
const TYPES: Record<RecordKind, MessageType<any>> = {
  evidence: complianceEvidence,
  escalation: escalationRecord,
  revocation: keyRevocation,
  announcement: circuitAnnouncement,
  lease,
  heartbeat,
  bet,
  handoff,
  'rollback-request': rollbackRequest,
  'rollback-complete': rollbackComplete,
};

/**
 * A store whose every signal, acknowledgement and record it commits is inserted into `dag` as its node (spec §10),
 * after the commit. A node the DAG refuses (e.g. a signal whose `pred` names work the DAG has not
 * seen) is reported to `onError` and never fails the store call: the override does not wait on its audit trail.
 */
export class DagRecordingStore implements ControllerStore {
  readonly #store: ControllerStore;
  readonly #dag: RecordDag;
  readonly #onError: (e: unknown) => void;

  constructor(store: ControllerStore, dag: RecordDag, onError: (e: unknown) => void) {
    this.#store = store;
    this.#dag = dag;
    this.#onError = onError;
  }

  async issue(...args: Parameters<ControllerStore['issue']>) {
    const signal = await this.#store.issue(...args);
    this.#add(overrideSignal, signal.bytes);
    return signal;
  }

  async record(...args: Parameters<ControllerStore['record']>) {
    const signal = await this.#store.record(...args);
    this.#add(overrideSignal, signal.bytes);
    return signal;
  }

  async addAck(ack: StoredAck) {
    const added = await this.#store.addAck(ack);
    if (added) this.#add(acknowledgement, ack.bytes);
    return added;
  }

  async addRecord(record: StoredRecord) {
    await this.#store.addRecord(record);
    this.#add(TYPES[record.kind], record.bytes);
  }

  async addLease(record: StoredRecord) {
    const position = await this.#store.addLease(record);
    if (position !== undefined) this.#add(lease, record.bytes);
    return position;
  }

  takeOrder = () => this.#store.takeOrder();
  signal = (jti: string) => this.#store.signal(jti);
  outboxAfter = (...args: Parameters<ControllerStore['outboxAfter']>) => this.#store.outboxAfter(...args);
  waitForOutbox = (...args: Parameters<ControllerStore['waitForOutbox']>) => this.#store.waitForOutbox(...args);
  deliveries = (signal: string) => this.#store.deliveries(signal);
  updateDelivery = (...args: Parameters<ControllerStore['updateDelivery']>) => this.#store.updateDelivery(...args);
  claimDeliveries = (...args: Parameters<ControllerStore['claimDeliveries']>) => this.#store.claimDeliveries(...args);
  acks = (signal: string) => this.#store.acks(signal);
  records = (...args: Parameters<ControllerStore['records']>) => this.#store.records(...args);
  prune = (...args: Parameters<ControllerStore['prune']>) => this.#store.prune(...args);
  close = () => this.#store.close();
  addAgent = (...args: Parameters<ControllerStore['addAgent']>) => this.#store.addAgent(...args);
  agents = () => this.#store.agents();

  #add<T extends DagLinkClaims & object>(type: MessageType<T>, bytes: Uint8Array): void {
    try {
      const node = dagNodeOf(type, claimsOf(type, bytes));
      if (!this.#dag.has(node.jti)) this.#dag.insert(node);
    } catch (e) {
      this.#onError(e);
    }
  }
}

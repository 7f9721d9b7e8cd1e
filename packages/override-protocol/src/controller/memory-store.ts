import { ovError } from '../errors.js';
import type { Order } from '../messages/common.js';
import { OutboxNotifier } from './outbox-notifier.js';
import {
  type ControllerStore,
  DELIVERY_RANK,
  type Delivery,
  type DeliveryClaim,
  type DeliveryUpdate,
  type NewSignal,
  type OutboxEntry,
  type Pruned,
  type RecordedSignal,
  type RecordKind,
  type StoredAck,
  type StoredAgent,
  type StoredRecord,
  type StoredSignal,
} from './store.js';

type Row = Delivery & { claim?: DeliveryClaim };
const key = (signal: string, agent: string) => `${signal}\n${agent}`;

/**
 * The control plane's state in memory: for tests and single-process deployments that accept losing outstanding
 * deliveries with the process. It keeps what it is given exactly as the durable stores do (one contract suite).
 */
export class MemoryControllerStore implements ControllerStore {
  #order: Order;
  readonly #signals = new Map<string, StoredSignal>();
  readonly #orders = new Set<string>();
  readonly #outbox = new Map<string, OutboxEntry[]>();
  readonly #deliveries = new Map<string, Row>();
  readonly #acks = new Map<string, StoredAck>();
  // By signal `jti`, as the durable stores index them: reading one signal's rows costs its scope, not the history.
  readonly #agentsOf = new Map<string, string[]>();
  readonly #acksOf = new Map<string, StoredAck[]>();
  readonly #records = new Map<string, StoredRecord>();
  readonly #agents = new Map<string, StoredAgent>();
  readonly #notifier = new OutboxNotifier();

  /** `epoch`: the epoch of a new counter (spec §6); default 1. */
  constructor(options: { epoch?: number } = {}) {
    this.#order = [options.epoch ?? 1, 0];
  }

  async takeOrder(): Promise<Order> {
    this.#order = [this.#order[0], this.#order[1] + 1];
    return this.#order;
  }

  async issue(build: (order: Order) => NewSignal, claim: DeliveryClaim): Promise<RecordedSignal> {
    const order: Order = [this.#order[0], this.#order[1] + 1];
    const issued = this.#add({ ...build(order), order }, claim);
    this.#order = order;
    return issued;
  }

  async record(signal: StoredSignal, claim: DeliveryClaim): Promise<RecordedSignal> {
    return this.#add(signal, claim);
  }

  #add(signal: StoredSignal, claim: DeliveryClaim): RecordedSignal {
    const orderKey = `${signal.order[0]}\n${signal.order[1]}`;
    if (this.#signals.has(signal.jti) || this.#orders.has(orderKey)) {
      throw ovError('ERR_OV_CONFLICT', `signal ${signal.jti} or its order is already recorded`);
    }
    this.#signals.set(signal.jti, signal);
    this.#orders.add(orderKey);
    this.#agentsOf.set(signal.jti, [...signal.agents]);
    const positions = new Map<string, number>();
    for (const agent of signal.agents) {
      const outbox = this.#outbox.get(agent) ?? [];
      const position = (outbox.at(-1)?.position ?? 0) + 1;
      outbox.push({ position, name: 'ov-signal', bytes: signal.bytes });
      positions.set(agent, position);
      this.#outbox.set(agent, outbox);
      this.#deliveries.set(key(signal.jti, agent), {
        signal: signal.jti,
        agent,
        position,
        state: 'pending',
        attempts: 0,
        claim,
      });
    }
    for (const agent of signal.agents) this.#notifier.notify(agent);
    return { ...signal, positions };
  }

  async signal(jti: string): Promise<StoredSignal | undefined> {
    return this.#signals.get(jti);
  }

  async outboxAfter(agent: string, position: number, limit: number): Promise<OutboxEntry[]> {
    return (this.#outbox.get(agent) ?? []).filter((e) => e.position > position).slice(0, limit);
  }

  waitForOutbox(agent: string, position: number, abort?: AbortSignal): Promise<void> {
    return this.#notifier.wait(agent, () => this.outboxAfter(agent, position, 1), abort);
  }

  async deliveries(signal: string): Promise<Delivery[]> {
    return (this.#agentsOf.get(signal) ?? []).map((agent) => publicDelivery(this.#deliveries.get(key(signal, agent))!));
  }

  async updateDelivery(signal: string, agent: string, update: DeliveryUpdate): Promise<void> {
    const row = this.#deliveries.get(key(signal, agent));
    if (row === undefined) throw ovError('ERR_OV_CONFIG_INVALID', `no delivery of ${signal} to ${agent}`);
    const advance = update.state !== undefined && DELIVERY_RANK[update.state] > DELIVERY_RANK[row.state];
    this.#deliveries.set(key(signal, agent), {
      ...row,
      ...(advance ? { state: update.state!, ...(update.code ? { code: update.code } : {}) } : {}),
      attempts: row.attempts + (update.attempt ? 1 : 0),
      ...(update.claim ? { claim: update.claim } : {}),
    });
  }

  async claimDeliveries(claim: DeliveryClaim, nowMs: number, limit: number): Promise<Delivery[]> {
    const taken: Delivery[] = [];
    for (const [k, row] of this.#deliveries) {
      if (taken.length >= limit) break;
      if (row.state === 'settled') continue;
      const free = !row.claim || row.claim.untilMs <= nowMs || row.claim.instance === claim.instance;
      if (!free) continue;
      this.#deliveries.set(k, { ...row, claim });
      taken.push(publicDelivery(row));
    }
    return taken;
  }

  async addAck(ack: StoredAck): Promise<boolean> {
    if (this.#acks.has(key(ack.agent, ack.jti))) return false;
    this.#acks.set(key(ack.agent, ack.jti), ack);
    const ofSignal = this.#acksOf.get(ack.signal);
    if (ofSignal) ofSignal.push(ack);
    else this.#acksOf.set(ack.signal, [ack]);
    if (this.#deliveries.has(key(ack.signal, ack.agent))) {
      await this.updateDelivery(ack.signal, ack.agent, { state: ack.status === 'received' ? 'received' : 'final' });
    }
    return true;
  }

  async acks(signal: string): Promise<StoredAck[]> {
    return [...(this.#acksOf.get(signal) ?? [])];
  }

  async addRecord(record: StoredRecord): Promise<void> {
    if (!this.#records.has(record.jti)) this.#records.set(record.jti, record);
  }

  async records(kind: RecordKind, filter: { signal?: string; agent?: string } = {}): Promise<StoredRecord[]> {
    return [...this.#records.values()].filter(
      (r) =>
        r.kind === kind &&
        (filter.signal === undefined || r.signal === filter.signal) &&
        (filter.agent === undefined || r.agent === filter.agent),
    );
  }

  async addLease(record: StoredRecord): Promise<number | undefined> {
    if (this.#records.has(record.jti)) return undefined;
    this.#records.set(record.jti, record);
    const outbox = this.#outbox.get(record.agent) ?? [];
    // Appended first: the next position is computed from the newest entry, which may be the superseded lease.
    const position = (outbox.at(-1)?.position ?? 0) + 1;
    outbox.push({ position, name: 'ov-lease', bytes: record.bytes });
    this.#outbox.set(
      record.agent,
      outbox.filter((e) => e.name !== 'ov-lease' || e.position === position),
    );
    this.#notifier.notify(record.agent);
    return position;
  }

  async addAgent(agent: StoredAgent): Promise<void> {
    this.#agents.set(agent.id, agent);
  }

  async agents(): Promise<StoredAgent[]> {
    return [...this.#agents.values()];
  }

  async prune({ before }: { before: number }): Promise<Pruned> {
    // A delivery already pruned (undefined) counts as settled.
    const settled = (s: StoredSignal) =>
      s.agents.every((a) => (this.#deliveries.get(key(s.jti, a))?.state ?? 'settled') === 'settled');
    const done = [...this.#signals.values()].filter((s) => s.exp < before && settled(s));
    let deliveries = 0;
    let acks = 0;
    for (const s of done) {
      const kept: string[] = [];
      for (const agent of this.#agentsOf.get(s.jti) ?? []) {
        const row = this.#deliveries.get(key(s.jti, agent))!;
        const outbox = this.#outbox.get(agent) ?? [];
        // The newest entry stays: the next position is computed from it.
        if (row.position === outbox.at(-1)?.position) {
          kept.push(agent);
          continue;
        }
        this.#deliveries.delete(key(s.jti, agent));
        this.#outbox.set(
          agent,
          outbox.filter((e) => e.position !== row.position),
        );
        deliveries++;
      }
      // The by-signal indexes shrink with the rows they index.
      if (kept.length > 0) this.#agentsOf.set(s.jti, kept);
      else this.#agentsOf.delete(s.jti);
      for (const a of this.#acksOf.get(s.jti) ?? []) if (this.#acks.delete(key(a.agent, a.jti))) acks++;
      this.#acksOf.delete(s.jti);
    }
    return { deliveries, acks };
  }

  async close(): Promise<void> {}
}

function publicDelivery({ claim: _, ...delivery }: Row): Delivery {
  return delivery;
}

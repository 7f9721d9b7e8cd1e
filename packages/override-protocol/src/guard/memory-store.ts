import { type Hold, retained } from './hold.js';
import type {
  GuardState,
  LeaseRecord,
  OverrideStateStore,
  PendingApproval,
  ProcessedSignal,
  RecentAction,
  StateChange,
  WaitingLift,
} from './state-store.js';

const waitKey = (w: Pick<WaitingLift, 'hold' | 'lift'>) => `${w.hold}\n${w.lift}`;

/**
 * The guard's state in memory: for tests and for agents that accept losing their holds with the process. It keeps
 * what it is given exactly as the durable stores do, so the two pass one contract.
 */
export class MemoryStateStore implements OverrideStateStore {
  // Keyed as the durable stores key their rows, so a commit costs what it changes, not what is stored.
  readonly #signals = new Map<string, ProcessedSignal>();
  readonly #holds = new Map<string, Hold>();
  readonly #waiting = new Map<string, WaitingLift>();
  readonly #orders = new Map<string, GuardState['orders'][number]>();
  readonly #revocations = new Map<string, GuardState['revocations'][number]>();
  readonly #approvals = new Map<string, PendingApproval>();
  readonly #actions = new Map<number, RecentAction>();
  #policy: Uint8Array | undefined;
  #lease: LeaseRecord | undefined;

  async load(): Promise<GuardState> {
    return {
      signals: [...this.#signals.values()],
      holds: [...this.#holds.values()],
      waiting: [...this.#waiting.values()],
      orders: [...this.#orders.values()],
      ...(this.#policy ? { policy: this.#policy } : {}),
      revocations: [...this.#revocations.values()],
      ...(this.#lease ? { lease: this.#lease } : {}),
      approvals: [...this.#approvals.values()],
      actions: [...this.#actions.values()],
    };
  }

  async commit(change: StateChange): Promise<void> {
    if (change.signal) this.#signals.set(change.signal.jti, change.signal);
    for (const jti of change.forgetSignals ?? []) this.#signals.delete(jti);
    for (const h of change.holds ?? []) {
      if (retained(h)) this.#holds.set(h.jti, h);
      else this.#holds.delete(h.jti);
    }
    for (const w of change.addWaiting ?? []) this.#waiting.set(waitKey(w), w);
    for (const w of change.removeWaiting ?? []) this.#waiting.delete(waitKey(w));
    if (change.order) this.#orders.set(change.order.ctl, change.order);
    if (change.policy) this.#policy = change.policy;
    for (const r of change.revocations ?? []) this.#revocations.set(r.kid, r);
    if (change.lease) this.#lease = change.lease;
    if (change.approval) this.#approvals.set(change.approval.jti, change.approval);
    if (change.closeApproval !== undefined) this.#approvals.delete(change.closeApproval);
    for (const a of change.addActions ?? []) this.#actions.set(a.seq, a);
    const before = change.forgetActionsBefore;
    // Added in `seq` order, which a Map keeps: the forgotten are the first ones.
    if (before !== undefined) {
      for (const seq of this.#actions.keys()) {
        if (seq >= before) break;
        this.#actions.delete(seq);
      }
    }
  }

  async close(): Promise<void> {}
}

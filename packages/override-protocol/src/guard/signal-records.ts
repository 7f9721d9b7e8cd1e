import type { Order } from '../messages/common.js';
import { compareOrder } from './hold.js';
import type { ProcessedSignal } from './state-store.js';

/**
 * The signals a guard has processed, by `jti` and by order, and the highest order applied per control plane: its
 * replay memory (spec §6.4) and what lifts are compared with (§6.3). A record is kept until its signal can no
 * longer verify, then for as long as a hold or a waiting lift needs it (§8.5).
 */
export class SignalRecords {
  readonly #byJti = new Map<string, ProcessedSignal>();
  readonly #byOrder = new Map<string, string>();
  readonly #highest = new Map<string, Order>();
  /** The last second each recorded signal can verify: its `exp` plus the skew. */
  readonly #verifiesUntil = new Map<string, number>();

  get(jti: string): ProcessedSignal | undefined {
    return this.#byJti.get(jti);
  }

  has(jti: string): boolean {
    return this.#byJti.has(jti);
  }

  get size(): number {
    return this.#byJti.size;
  }

  /** Records a processed signal that verifies until `verifiesUntil` (seconds), or the newer acknowledgement of one. */
  remember(s: ProcessedSignal, verifiesUntil?: number): void {
    this.#byJti.set(s.jti, s);
    this.#byOrder.set(orderKey(s.ctl, s.order), s.jti);
    if (verifiesUntil !== undefined) this.#verifiesUntil.set(s.jti, verifiesUntil);
  }

  /** The records whose signals no longer verify at `now` (seconds) and that `needed` does not claim. */
  expired(now: number, needed: (jti: string) => boolean): string[] {
    const out: string[] = [];
    for (const [jti, until] of this.#verifiesUntil) if (now > until && !needed(jti)) out.push(jti);
    return out;
  }

  /** Drops records: their replay memory and their orders, not the highest order of their control planes. */
  forget(jtis: readonly string[]): void {
    for (const jti of jtis) {
      const s = this.#byJti.get(jti);
      if (s === undefined) continue;
      this.#byJti.delete(jti);
      this.#verifiesUntil.delete(jti);
      const key = orderKey(s.ctl, s.order);
      if (this.#byOrder.get(key) === jti) this.#byOrder.delete(key);
    }
  }

  /** The `jti` of the signal that holds an order of a control plane, if one does. */
  holding(ctl: string, order: Order): string | undefined {
    return this.#byOrder.get(orderKey(ctl, order));
  }

  /** The highest order applied from a control plane, `[0, 0]` before any. */
  highest(ctl: string): Order {
    return this.#highest.get(ctl) ?? [0, 0];
  }

  /** Raises the highest order of a control plane to `order` if it is higher; the change to store. */
  raise(ctl: string, order: Order): { ctl: string; order: Order } {
    const known = this.#highest.get(ctl);
    if (known === undefined || compareOrder(order, known) > 0) this.#highest.set(ctl, order);
    return { ctl, order: this.#highest.get(ctl)! };
  }
}

function orderKey(ctl: string, order: Order): string {
  return `${ctl}\n${order[0]}\n${order[1]}`;
}

import type { Order } from '../messages/common.js';
import { compareOrder } from './hold.js';
import type { ProcessedSignal } from './state-store.js';

/**
 * The signals a guard has processed, by `jti` and by order, and the highest order applied per control plane: its
 * replay memory (spec §6.4) and what lifts are compared with (§6.3).
 */
export class SignalRecords {
  readonly #byJti = new Map<string, ProcessedSignal>();
  readonly #byOrder = new Map<string, string>();
  readonly #highest = new Map<string, Order>();

  get(jti: string): ProcessedSignal | undefined {
    return this.#byJti.get(jti);
  }

  has(jti: string): boolean {
    return this.#byJti.has(jti);
  }

  /** Records a processed signal, or the newer acknowledgement of one. */
  remember(s: ProcessedSignal): void {
    this.#byJti.set(s.jti, s);
    this.#byOrder.set(orderKey(s.ctl, s.order), s.jti);
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

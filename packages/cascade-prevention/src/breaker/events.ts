import type { Transition, TransitionListener } from './state.js';

/**
 * Delivers transitions to listeners in the order they happened. A listener that throws is reported to `onError`
 * and the others still run; a transition raised by a listener waits until the current one reached everyone.
 */
export class TransitionEmitter {
  private listeners: readonly TransitionListener[] = [];
  private readonly pending: Transition[] = [];
  private delivering = false;

  constructor(private readonly onError: ((error: unknown, transition: Transition) => void) | undefined) {}

  /** Adds a listener; the returned function removes it (idempotent). */
  add(listener: TransitionListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(transition: Transition): void {
    if (this.listeners.length === 0) return;
    this.pending.push(transition);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let t = this.pending.shift(); t !== undefined; t = this.pending.shift()) {
        for (const listener of this.listeners) this.deliver(listener, t);
      }
    } finally {
      this.delivering = false;
    }
  }

  private deliver(listener: TransitionListener, t: Transition): void {
    try {
      listener(t);
    } catch (error) {
      if (this.onError === undefined) return;
      try {
        this.onError(error, t);
      } catch {
        // The error reporter failed too: nothing further can be done without breaking the breaker.
      }
    }
  }
}

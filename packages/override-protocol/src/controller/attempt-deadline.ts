import type { GuardTimers } from '../guard/options.js';

interface Window {
  readonly cancels: Set<() => void>;
  readonly timer: unknown;
  open: boolean;
}

/**
 * The attempt timeout of HTTP pushes (spec §7.6), one timer per fan-out rather than one per push: the pushes that
 * start in the same turn of the event loop (a fan-out's first attempts, all started at once) share one deadline,
 * which fires for all of them. A push that starts in a later turn (a resend, a push that waited for a slot) opens a
 * deadline of its own, so no attempt gets less than its timeout less the time of the turn it started in. Each push
 * hands in its own way to cancel the request (a shared `AbortSignal` would collect one listener per request).
 */
export class AttemptDeadlines {
  readonly #timers: GuardTimers;
  readonly #timeoutMs: number;
  #current: Window | undefined;

  constructor(timers: GuardTimers, timeoutMs: number) {
    this.#timers = timers;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Starts an attempt that `cancel` (a function of its own) cancels when its deadline passes; returns the function
   * that ends it.
   */
  start(cancel: () => void): () => void {
    const window = this.#current ?? this.#open();
    window.cancels.add(cancel);
    return () => {
      window.cancels.delete(cancel);
      if (!window.open && window.cancels.size === 0) this.#timers.clear(window.timer);
    };
  }

  #open(): Window {
    const cancels = new Set<() => void>();
    const window: Window = {
      cancels,
      timer: this.#timers.set(this.#timeoutMs, () => {
        for (const cancel of [...cancels]) cancel();
      }),
      open: true,
    };
    this.#current = window;
    // Closed once the current turn's synchronous work and microtasks have run: later pushes get a fresh deadline.
    queueMicrotask(() => {
      window.open = false;
      if (this.#current === window) this.#current = undefined;
      if (cancels.size === 0) this.#timers.clear(window.timer);
    });
    return window;
  }
}

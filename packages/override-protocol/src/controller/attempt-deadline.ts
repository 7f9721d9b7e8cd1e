import type { GuardTimers } from '../guard/options.js';

interface Window {
  readonly controllers: Set<AbortController>;
  readonly timer: unknown;
  open: boolean;
}

/**
 * The attempt timeout of HTTP pushes (spec §7.6), one timer per fan-out rather than one per push: the pushes that
 * start in the same turn of the event loop (a fan-out's first attempts, all started at once) share one deadline,
 * which fires for all of them. A push that starts in a later turn (a resend, a push that waited for a slot) opens a
 * deadline of its own, so no attempt gets less than its timeout less the time of the turn it started in. Each push
 * keeps its own `AbortController`: a signal shared by every request would collect one listener per request.
 */
export class AttemptDeadlines {
  readonly #timers: GuardTimers;
  readonly #timeoutMs: number;
  #current: Window | undefined;

  constructor(timers: GuardTimers, timeoutMs: number) {
    this.#timers = timers;
    this.#timeoutMs = timeoutMs;
  }

  /** The abort signal of an attempt starting now, and the function that ends the attempt. */
  start(): { signal: AbortSignal; end(): void } {
    const window = this.#current ?? this.#open();
    const controller = new AbortController();
    window.controllers.add(controller);
    return {
      signal: controller.signal,
      end: () => {
        window.controllers.delete(controller);
        if (!window.open && window.controllers.size === 0) this.#timers.clear(window.timer);
      },
    };
  }

  #open(): Window {
    const controllers = new Set<AbortController>();
    const window: Window = {
      controllers,
      timer: this.#timers.set(this.#timeoutMs, () => {
        for (const c of controllers) c.abort();
      }),
      open: true,
    };
    this.#current = window;
    // Closed once the current turn's synchronous work and microtasks have run: later pushes get a fresh deadline.
    queueMicrotask(() => {
      window.open = false;
      if (this.#current === window) this.#current = undefined;
      if (controllers.size === 0) this.#timers.clear(window.timer);
    });
    return window;
  }
}

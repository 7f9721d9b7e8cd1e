import { invalid } from '../util/checks.js';

/**
 * Schedules callbacks: the only source of time of {@link timeout} and {@link retry}, so that tests and simulations
 * can run them on a virtual clock.
 */
export interface Timer {
  /** Calls `fn` once after `ms`; returns the function that cancels the call (harmless once it ran). */
  after(ms: number, fn: () => void): () => void;
}

/** The real timer: `setTimeout` / `clearTimeout`. */
export const systemTimer: Timer = {
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

/** The `timer` option: a {@link Timer}, default {@link systemTimer}. */
export function resolveTimer(raw: unknown): Timer {
  if (raw === undefined) return systemTimer;
  if (typeof raw !== 'object' || raw === null || typeof (raw as { after?: unknown }).after !== 'function')
    invalid('timer must have after(ms, fn)');
  return raw as Timer;
}

import type { GuardTimers } from '../guard/options.js';

/** The platform's timers: what delivery uses unless a test injects its own. */
export const systemTimers: GuardTimers = {
  set: (ms, run) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Waits `ms` on `timers`, or less when `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal, timers: GuardTimers): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      signal.removeEventListener('abort', done);
      timers.clear(handle);
      resolve();
    };
    const handle = timers.set(ms, done);
    signal.addEventListener('abort', done, { once: true });
  });
}

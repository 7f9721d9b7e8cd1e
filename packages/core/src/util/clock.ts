import { snError } from '../errors/index.js';

/**
 * Where Safety Net reads the time. Every API that needs "now" takes a `Clock`, so that vectors, simulations and
 * tests are deterministic. Times are in milliseconds since the Unix epoch; claims carry whole seconds.
 */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that always reads `ms` (or a settable value: `clock.set(t)`, `clock.advance(d)`). */
export function fixedClock(ms: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let t = ms;
  return {
    now: () => t,
    set: (v) => {
      t = v;
    },
    advance: (d) => {
      t += d;
    },
  };
}

/**
 * A clock's reading in milliseconds, checked: anything but a number from 0 to 2^53 − 1 is `ERR_INPUT_INVALID` (a
 * clock in nanoseconds, say, would be past that).
 * Time checks compare with `<` and `>`, and every comparison with NaN is false, so an unchecked NaN reading would
 * let an expired token through.
 */
export function readClock(clock: Clock): number {
  const now = typeof clock?.now === 'function' ? clock.now() : undefined;
  if (typeof now !== 'number' || !(now >= 0 && now <= Number.MAX_SAFE_INTEGER)) {
    throw snError(
      'ERR_INPUT_INVALID',
      'clock.now() must give milliseconds since the epoch, a number from 0 to 2^53 − 1',
    );
  }
  return now;
}

/** Whole seconds of a clock reading, as `iat`/`exp`/`nbf` carry them; the reading is checked by {@link readClock}. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(readClock(clock) / 1000);
}

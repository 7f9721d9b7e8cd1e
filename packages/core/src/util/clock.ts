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

/** Whole seconds of a clock reading, as `iat`/`exp`/`nbf` carry them. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

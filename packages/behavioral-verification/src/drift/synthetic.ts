import { seededRandom, uniformSource } from '@safety-net/core';

/** 2^53: `uniformSource` draws 53-bit integers scaled by this. */
const SCALE = 9_007_199_254_740_992;

/**
 * Seeded standard-normal values (Box–Muller over core's seeded uniform source), so that detector measurements and
 * simulations reproduce exactly. For measurement and tests, not for anything secret.
 *
 * @example
 * ```ts
 * const next = gaussianStream('seed-1');
 * const x = 100 + 10 * next(); // N(100, 10²)
 * ```
 */
export function gaussianStream(seed: string): () => number {
  const uniform = uniformSource(seededRandom(seed));
  // Box–Muller takes a logarithm: map [0, 1) onto the open interval (0, 1), exactly, as (n + 1) / (2^53 + 2).
  const open = (): number => (uniform() * SCALE + 1) / (SCALE + 2);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(open()));
    const theta = 2 * Math.PI * open();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

import { seededRandom } from '@safety-net/core';

/**
 * Seeded standard-normal values (Box–Muller over core's seeded random source), so that detector measurements and
 * simulations reproduce exactly. For measurement and tests, not for anything secret.
 *
 * @example
 * ```ts
 * const next = gaussianStream('seed-1');
 * const x = 100 + 10 * next(); // N(100, 10²)
 * ```
 */
export function gaussianStream(seed: string): () => number {
  const random = seededRandom(seed);
  let buffer: DataView = new DataView(new ArrayBuffer(0));
  let at = 0;
  let spare: number | undefined;
  const uniform = (): number => {
    if (at + 8 > buffer.byteLength) {
      const bytes = random.bytes(8192);
      buffer = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      at = 0;
    }
    const hi = buffer.getUint32(at) >>> 5;
    const lo = buffer.getUint32(at + 4) >>> 6;
    at += 8;
    return (hi * 67108864 + lo + 1) / 9007199254740994;
  };
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

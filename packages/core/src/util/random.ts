import { sha256 } from '../crypto/sha256.js';

/** Where Safety Net draws random bytes. Injected so that keys, ids and simulations can be reproduced from a seed. */
export interface RandomSource {
  bytes(length: number): Uint8Array;
}

/** The platform's cryptographically secure generator (Web Crypto `getRandomValues`, present on every runtime). */
export const systemRandom: RandomSource = {
  bytes(length) {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, i + 65536));
    return out;
  },
};

/**
 * A deterministic stream from a seed (SHA-256 in counter mode). For tests, vectors and simulations only: never
 * for production keys.
 */
export function seededRandom(seed: string | Uint8Array): RandomSource {
  const key = typeof seed === 'string' ? new TextEncoder().encode(seed) : seed;
  let counter = 0;
  return {
    bytes(length) {
      const out = new Uint8Array(length);
      for (let filled = 0; filled < length; counter++) {
        const block = new Uint8Array(key.length + 8);
        block.set(key);
        new DataView(block.buffer).setBigUint64(key.length, BigInt(counter));
        const digest = sha256(block);
        const take = Math.min(digest.length, length - filled);
        out.set(digest.subarray(0, take), filled);
        filled += take;
      }
      return out;
    },
  };
}

/**
 * A random RFC 9562 version-4 UUID string from `random`; from {@link systemRandom}, the platform's own
 * `crypto.randomUUID()` where it has one (the same kind of UUID, without a call into Web Crypto per id).
 */
export function randomUuid(random: RandomSource = systemRandom): string {
  if (random === systemRandom && typeof globalThis.crypto?.randomUUID === 'function')
    return globalThis.crypto.randomUUID();
  const b = random.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Uniform doubles in [0, 1), 53 random bits each, drawn from `random` in 4 KiB blocks: jitter, sampling and
 * simulations on an injected (e.g. seeded) source. Not for anything secret.
 *
 * @example
 * ```ts
 * const uniform = uniformSource(seededRandom('simulation'));
 * uniform(); // 0 ≤ x < 1, the same sequence for the same seed
 * ```
 */
export function uniformSource(random: RandomSource): () => number {
  let view: DataView = new DataView(new ArrayBuffer(0));
  let at = 0;
  return () => {
    if (at + 8 > view.byteLength) {
      const bytes = random.bytes(4096);
      view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      at = 0;
    }
    const hi = view.getUint32(at) >>> 5;
    const lo = view.getUint32(at + 4) >>> 6;
    at += 8;
    return (hi * 67_108_864 + lo) / 9_007_199_254_740_992;
  };
}

/** Bignums (RFC 8949 §3.4.3): integers outside the 64-bit range of major types 0 and 1. */

/** 2^64, the first integer major type 0 cannot hold. */
export const TWO_64 = 1n << 64n;

/** The minimal big-endian bytes of a non-negative bigint (no leading zero bytes; 0 is empty). */
export function bigintBytes(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * How a bigint outside the 64-bit integer range is carried: tag 2 with the magnitude for n ≥ 2^64, tag 3 with
 * -1-n for n < -2^64. Returns undefined when major type 0 or 1 holds it.
 */
export function bignumParts(n: bigint): { tag: 2 | 3; bytes: Uint8Array } | undefined {
  if (n >= TWO_64) return { tag: 2, bytes: bigintBytes(n) };
  if (n < -TWO_64) return { tag: 3, bytes: bigintBytes(-1n - n) };
  return undefined;
}

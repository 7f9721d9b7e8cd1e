/**
 * Half-precision floats and the preferred (shortest exact) float width of RFC 8949 §4.1/§4.2.1. cbor-x has no
 * half-precision encoder, so these few bit manipulations live here.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The value of IEEE 754 binary16 bits `h` (0–0xffff). */
export function halfToNumber(h: number): number {
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  let value: number;
  if (exponent === 0) value = mantissa * 2 ** -24;
  else if (exponent === 0x1f) value = mantissa === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  else value = (mantissa + 0x400) * 2 ** (exponent - 25);
  return h & 0x8000 ? -value : value;
}

/**
 * The binary16 bits that represent `v` exactly, or -1 when no half float does. NaN gives -1: callers handle it,
 * because its only deterministic encoding is the canonical quiet NaN 0x7e00.
 */
export function exactHalfBits(v: number): number {
  if (Math.fround(v) !== v) return -1; // also rejects NaN
  f32[0] = v;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00; // ±Infinity
  if (exponent === 0) return mantissa === 0 ? sign : -1; // ±0; float32 subnormals are far below half range
  const e = exponent - 127;
  if (e > 15 || e < -24) return -1;
  if (e >= -14) return mantissa & 0x1fff ? -1 : sign | ((e + 15) << 10) | (mantissa >>> 13);
  // Half subnormal: value = m · 2^-24 with m = (1.mantissa) · 2^(e+24), which must lose no bits.
  const full = 0x800000 | mantissa;
  const shift = -(e + 1);
  return full & ((1 << shift) - 1) ? -1 : sign | (full >>> shift);
}

/** The number of bytes (2, 4 or 8) of the shortest IEEE 754 float that holds `v` exactly; NaN is 2 (0x7e00). */
export function preferredFloatSize(v: number): 2 | 4 | 8 {
  if (Number.isNaN(v)) return 2;
  if (Math.fround(v) !== v) return 8;
  return exactHalfBits(v) === -1 ? 4 : 2;
}

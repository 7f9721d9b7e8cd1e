import { snError } from '@safety-net/core';

/**
 * Exact decimals on `bigint` scaled integers (spec §8.4): `units / 10^scale`. Money and quantities never pass
 * through binary floating point; every operation is exact except {@link divideRounded}, which rounds once, as the
 * spec asks.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** How an amount is rounded to its scale (spec §8.3): ties to even, ties away from zero, or toward zero. */
export type Rounding = 'half_even' | 'half_up' | 'down';

const DECIMAL = /^(-?)(0|[1-9][0-9]{0,29})(?:\.([0-9]{1,18}))?$/;
/** Most integer digits of a decimal on the wire (spec §2). */
const MAX_INTEGER_DIGITS = 30;
/** Most fractional digits of a decimal on the wire (spec §2). */
export const MAX_FRACTION_DIGITS = 18;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Parses a `decimal` (spec §2); anything else is `ERR_INPUT_INVALID`. */
export function parseDecimal(text: string): Decimal {
  const m = typeof text === 'string' ? DECIMAL.exec(text) : null;
  if (!m) throw snError('ERR_INPUT_INVALID', `not a decimal: ${String(text).slice(0, 64)}`);
  const fraction = m[3] ?? '';
  const units = BigInt(m[2]! + fraction);
  return { units: m[1] ? -units : units, scale: fraction.length };
}

/** `d` at a larger (or equal) scale, exactly. */
function rescale(d: Decimal, scale: number): bigint {
  return d.units * pow10(scale - d.scale);
}

/** The sum `a + b`, exact. */
export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

/** The difference `a − b`, exact. */
export function subtractDecimal(a: Decimal, b: Decimal): Decimal {
  return addDecimal(a, { units: -b.units, scale: b.scale });
}

/** The exact sum of `values` (zero for none). */
export function sumDecimals(values: Iterable<Decimal>): Decimal {
  let total: Decimal = ZERO;
  for (const v of values) total = addDecimal(total, v);
  return total;
}

/** The product `a × b`, exact. */
export function multiplyDecimal(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** −1, 0 or 1 as `a` is below, equal to or above `b`. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Zero. */
export const ZERO: Decimal = { units: 0n, scale: 0 };

/**
 * `numerator ÷ divisor` rounded to `scale` fractional digits with `rounding`: the only inexact step of rating,
 * done on integers (the remainder decides the rounding). A zero divisor is `ERR_INPUT_INVALID`.
 */
export function divideRounded(numerator: Decimal, divisor: Decimal, scale: number, rounding: Rounding): Decimal {
  if (divisor.units === 0n) throw snError('ERR_INPUT_INVALID', 'division by zero');
  // n / d = (numerator.units / 10^ns) / (divisor.units / 10^ds); scaled by 10^scale and cleared of fractions.
  let n = numerator.units * pow10(scale + divisor.scale);
  let d = divisor.units * pow10(numerator.scale);
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  let q = magnitude / d;
  const twiceRemainder = (magnitude % d) * 2n;
  if (rounding !== 'down' && twiceRemainder !== 0n) {
    if (twiceRemainder > d || (twiceRemainder === d && (rounding === 'half_up' || q % 2n === 1n))) q += 1n;
  }
  return { units: negative ? -q : q, scale };
}

/**
 * The `decimal` text of `d`: with exactly `scale` fractional digits when given (an amount in minor units, e.g.
 * `12.30`), else in its shortest form (trailing zeros dropped). A value the wire form cannot carry (over 30
 * integer or 18 fractional digits) is `ERR_INPUT_INVALID`.
 */
export function formatDecimal(d: Decimal, scale?: number): string {
  let { units, scale: s } = d;
  if (scale === undefined) {
    while (s > 0 && units % 10n === 0n) {
      units /= 10n;
      s -= 1;
    }
  } else if (scale >= s) {
    units *= pow10(scale - s);
    s = scale;
  } else {
    const exact = divideRounded(d, { units: 1n, scale: 0 }, scale, 'down');
    if (compareDecimal(exact, d) !== 0) throw snError('ERR_INPUT_INVALID', `not representable at scale ${scale}`);
    units = exact.units;
    s = scale;
  }
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(s + 1, '0');
  const integer = digits.slice(0, digits.length - s);
  if (integer.length > MAX_INTEGER_DIGITS || s > MAX_FRACTION_DIGITS) {
    throw snError('ERR_INPUT_INVALID', 'decimal out of range');
  }
  const text = s === 0 ? integer : `${integer}.${digits.slice(digits.length - s)}`;
  return negative && units !== 0n ? `-${text}` : text;
}

/** Whether `d` is a whole number. */
export function isWhole(d: Decimal): boolean {
  return d.units % pow10(d.scale) === 0n;
}

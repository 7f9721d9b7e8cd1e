/**
 * Exact decimal numbers for parameter constraints and budgets. Money and metered quantities are compared and
 * summed without binary floating point: a value is an integer `mantissa` scaled by `10^-scale` (BigInt).
 */

/** An exact decimal: `mantissa × 10^-scale`, with `scale ≥ 0`. */
export interface Decimal {
  readonly mantissa: bigint;
  readonly scale: number;
}

/** Longest decimal string accepted, in characters; bounds the BigInt work per value. */
export const MAX_DECIMAL_CHARS = 64;
/** Largest exponent magnitude accepted in `1e300`-style input (covers every finite double). */
const MAX_EXPONENT = 400;

const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,4}))?$/;
const POW10: bigint[] = [1n];

function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}

/**
 * Reads a decimal string (`"-12.50"`, `"1e6"`) or a finite number (through its shortest round-trip text, so
 * `0.1` is exactly one tenth). Returns undefined for anything else, including text over {@link MAX_DECIMAL_CHARS}.
 */
export function parseDecimal(value: unknown): Decimal | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    if (Number.isSafeInteger(value)) return { mantissa: BigInt(value), scale: 0 };
    text = String(value);
  } else if (typeof value === 'string') {
    if (value.length === 0 || value.length > MAX_DECIMAL_CHARS) return undefined;
    text = value;
  } else {
    return undefined;
  }
  const m = DECIMAL_RE.exec(text);
  if (!m) return undefined;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (Math.abs(exponent) > MAX_EXPONENT) return undefined;
  const fraction = m[3] ?? '';
  let mantissa = BigInt(m[2]! + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    mantissa *= pow10(-scale);
    scale = 0;
  }
  return { mantissa: m[1] === '-' ? -mantissa : mantissa, scale };
}

/** −1, 0 or 1 as `a` is less than, equal to or greater than `b`, exactly. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  let x = a.mantissa;
  let y = b.mantissa;
  if (a.scale < b.scale) x *= pow10(b.scale - a.scale);
  else if (b.scale < a.scale) y *= pow10(a.scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `a + b`, exactly. */
export function addDecimal(a: Decimal, b: Decimal): Decimal {
  if (a.scale === b.scale) return { mantissa: a.mantissa + b.mantissa, scale: a.scale };
  if (a.scale < b.scale) return { mantissa: a.mantissa * pow10(b.scale - a.scale) + b.mantissa, scale: b.scale };
  return { mantissa: a.mantissa + b.mantissa * pow10(a.scale - b.scale), scale: a.scale };
}

/** `a − b`, exactly. */
export function subtractDecimal(a: Decimal, b: Decimal): Decimal {
  return addDecimal(a, { mantissa: -b.mantissa, scale: b.scale });
}

/** Canonical decimal text: no exponent, no trailing fractional zeros, `"0"` for zero. */
export function formatDecimal(d: Decimal): string {
  let { mantissa, scale } = d;
  while (scale > 0 && mantissa % 10n === 0n) {
    mantissa /= 10n;
    scale--;
  }
  const negative = mantissa < 0n;
  const digits = (negative ? -mantissa : mantissa).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

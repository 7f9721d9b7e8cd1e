import { cpError } from '../errors.js';

/**
 * Option checks shared by breakers and bulkheads: each throws `ERR_CP_CONFIG_INVALID` naming the option, so a bad
 * configuration fails at construction and never half-way through a call.
 */
export function invalid(what: string): never {
  throw cpError('ERR_CP_CONFIG_INVALID', what);
}

/** A name as the messages carry it: 1…256 characters. */
export function checkName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 256)
    invalid(`${what} must be a name of 1…256 characters`);
  return value;
}

/** An integer in [min, max], or `fallback` when `value` is undefined. */
export function checkInt(value: unknown, what: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(`${what} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

/** A finite number in the range, bounds included unless `openLow` excludes `min`. */
export function checkNumber(
  value: unknown,
  what: string,
  range: { min: number; max: number; openLow?: boolean },
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range.openLow ? value > range.min : value >= range.min) &&
    value <= range.max;
  if (!ok) invalid(`${what} must be a number in ${range.openLow ? '(' : '['}${range.min}, ${range.max}]`);
  return value as number;
}

/** A plain object (or undefined, read as `{}`). */
export function checkObject(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`${what} must be an object`);
  return value as Record<string, unknown>;
}

/** A function, or `fallback` when undefined. */
export function checkFunction<F>(value: unknown, what: string, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') invalid(`${what} must be a function`);
  return value as F;
}

/** A numeric range; `openLow` excludes `min`. An infinite `max` means: any finite number from `min` on. */
export interface OptionRange {
  readonly min: number;
  readonly max: number;
  readonly openLow?: boolean;
}

/**
 * Option checks in one style for every package. Each names the option in its error, so a bad configuration
 * fails when it is given, never half-way through a call; a package passes its own error for bad options.
 */
export interface OptionChecks {
  /** Throws the package's error for a bad option. */
  invalid(what: string): never;
  /** A safe integer in [min, max] (any from `min` on when `max` is `Number.MAX_SAFE_INTEGER`), or `fallback` when `value` is undefined and a fallback is given. */
  int(value: unknown, what: string, min: number, max: number, fallback?: number): number;
  /** A finite number in the range, or `fallback` when `value` is undefined and a fallback is given. */
  number(value: unknown, what: string, range: OptionRange, fallback?: number): number;
  /** A name as messages carry it: text of 1…256 characters. */
  name(value: unknown, what: string): string;
  /** A plain object; undefined reads as `{}`. */
  object(value: unknown, what: string): Record<string, unknown>;
  /** A function, or `fallback` when undefined. */
  fn<F>(value: unknown, what: string, fallback: F): F;
}

/**
 * The option checks of a package, reporting through `fail` (e.g. `(d) => cpError('ERR_CP_CONFIG_INVALID', d)`).
 * The checks compare with `<` and `>`, which NaN never fails, so each also refuses anything that is not a number.
 *
 * @example
 * ```ts
 * const { int } = optionChecks((detail) => snError('ERR_INPUT_INVALID', detail));
 * const limit = int(options.limit, 'limit', 0, 1_000_000, 10_000);
 * ```
 */
export function optionChecks(fail: (detail: string) => Error): OptionChecks {
  const invalid = (what: string): never => {
    throw fail(what);
  };
  return {
    invalid,
    int(value, what, min, max, fallback) {
      if (value === undefined && fallback !== undefined) return fallback;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
        invalid(`${what} must be an integer ${max >= Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`}`);
      }
      return value as number;
    },
    number(value, what, range, fallback) {
      if (value === undefined && fallback !== undefined) return fallback;
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (range.openLow ? value > range.min : value >= range.min) &&
        value <= range.max;
      if (!ok) {
        const low = `${range.openLow ? '>' : '≥'} ${range.min}`;
        invalid(
          range.max === Number.POSITIVE_INFINITY
            ? `${what} must be a finite number ${low}`
            : `${what} must be a number in ${range.openLow ? '(' : '['}${range.min}, ${range.max}]`,
        );
      }
      return value as number;
    },
    name(value, what) {
      if (typeof value !== 'string' || value.length < 1 || value.length > 256) {
        invalid(`${what} must be a name of 1…256 characters`);
      }
      return value as string;
    },
    object(value, what) {
      if (value === undefined) return {};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`${what} must be an object`);
      return value as Record<string, unknown>;
    },
    fn<F>(value: unknown, what: string, fallback: F): F {
      if (value === undefined) return fallback;
      if (typeof value !== 'function') invalid(`${what} must be a function`);
      return value as F;
    },
  };
}

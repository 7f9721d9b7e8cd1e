import { compareDecimal, type Decimal, parseDecimal } from '../rules/decimal.js';
import { compileSafeRegex } from '../rules/safe-regex.js';
import type { ParameterRule, ViolationClass } from '../rules/schema.js';
import type { ParamValue } from './observation-input.js';
import type { JsonValue } from './verdict.js';

/** A parameter rule ready to run: the failing class for a value, or undefined when the value passes. */
export interface ParamCheck {
  readonly id: string;
  readonly param: string;
  readonly required: boolean;
  /** What the rule allows, as violations report it. */
  readonly allowed: JsonValue;
  readonly check: (value: ParamValue) => ViolationClass | undefined;
}

/** Compiles one parameter rule (already validated by `parseRules`). */
export function compileParamCheck(rule: ParameterRule): ParamCheck {
  const base = { id: rule.id, param: rule.param, required: rule.required };
  switch (rule.check) {
    case 'range': {
      const min = rule.min === undefined ? undefined : bound(rule.min);
      const max = rule.max === undefined ? undefined : bound(rule.max);
      const allowed: Record<string, JsonValue> = {};
      if (rule.min !== undefined) allowed.min = rule.min;
      if (rule.max !== undefined) allowed.max = rule.max;
      return { ...base, allowed, check: (v) => checkRange(v, min, max) };
    }
    case 'enum': {
      const values = new Set<ParamValue>(rule.values);
      return {
        ...base,
        allowed: { values: rule.values },
        check: (v) => (values.has(v) ? undefined : 'parameter_not_allowed'),
      };
    }
    case 'pattern': {
      const re = compileSafeRegex(rule.regex);
      const maxLength = rule.max_length;
      return {
        ...base,
        allowed: { regex: rule.regex, max_length: maxLength },
        check: (v) =>
          typeof v === 'string' && v.length <= maxLength && re.test(v) ? undefined : 'parameter_not_allowed',
      };
    }
    case 'length': {
      const min = rule.min ?? 0;
      const max = rule.max ?? Number.POSITIVE_INFINITY;
      const allowed: Record<string, JsonValue> = {};
      if (rule.min !== undefined) allowed.min = rule.min;
      if (rule.max !== undefined) allowed.max = rule.max;
      return {
        ...base,
        allowed,
        check: (v) =>
          typeof v === 'string' && v.length >= min && v.length <= max ? undefined : 'parameter_not_allowed',
      };
    }
  }
}

/** A range bound, with its value as a plain number too when that is exact (the fast path). */
interface Bound {
  readonly decimal: Decimal;
  readonly int: number | undefined;
}

function bound(v: number | string): Bound {
  const decimal = parseDecimal(v)!;
  const int =
    decimal.scale === 0 && Number.isSafeInteger(Number(decimal.mantissa)) ? Number(decimal.mantissa) : undefined;
  return { decimal, int };
}

function checkRange(v: ParamValue, min: Bound | undefined, max: Bound | undefined): ViolationClass | undefined {
  if (
    typeof v === 'number' &&
    Number.isSafeInteger(v) &&
    (min === undefined || min.int !== undefined) &&
    (max === undefined || max.int !== undefined)
  ) {
    return (min !== undefined && v < min.int!) || (max !== undefined && v > max.int!)
      ? 'parameter_out_of_range'
      : undefined;
  }
  const d = typeof v === 'boolean' ? undefined : parseDecimal(v);
  if (d === undefined) return 'parameter_not_allowed';
  if (min !== undefined && compareDecimal(d, min.decimal) < 0) return 'parameter_out_of_range';
  if (max !== undefined && compareDecimal(d, max.decimal) > 0) return 'parameter_out_of_range';
  return undefined;
}

import type { z } from 'zod';

/** What a fast parser returns for input it does not vouch for: zod then parses it and reports why. */
export const DEFER: unique symbol = Symbol('defer to zod');

/** A parser for one claims schema: the value zod would return, or {@link DEFER}. */
export type FastParser = (input: unknown) => unknown;

type Schema = z.core.$ZodType;
type Check = z.core.$ZodCheck;

/**
 * Claims schemas are walked by zod node by node, with a result object and an issues array for each; on a verifier's
 * hot path that costs as much as decoding the claims. A schema built only from the kinds below is compiled once into
 * a plain function that tests the same types, runs zod's own checks and refinements on the same values and builds
 * the same output (object keys in shape order). It returns {@link DEFER} for anything it does not accept, and for
 * anything outside what it mirrors (symbol keys, `__proto__`, asynchronous checks), so zod stays the judge of
 * every failure and the source of every message. A schema with any other kind gets no fast parser.
 */
const cache = new WeakMap<Schema, FastParser | null>();

/** The fast parser of `schema`, compiled on first use; undefined when the schema has a kind it does not mirror. */
export function fastParser(schema: Schema): FastParser | undefined {
  let parser = cache.get(schema);
  if (parser === undefined) {
    parser = compile(schema) ?? null;
    cache.set(schema, parser);
  }
  return parser ?? undefined;
}

function compile(schema: Schema): FastParser | undefined {
  const zod = schema._zod;
  const def = zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  if (def.coerce) return undefined;
  const base = compileType(schema, def);
  if (!base) return undefined;
  const checks: Check[] = [...(zod.traits.has('$ZodCheck') ? [schema as unknown as Check] : []), ...(def.checks ?? [])];
  return checks.length === 0 ? base : withChecks(base, checks);
}

/** zod's own checks that call no user code, so cannot re-enter a parser while it runs them. */
const BUILT_IN_CHECKS: ReadonlySet<string> = new Set([
  'min_length',
  'max_length',
  'length_equals',
  'string_format',
  'number_format',
  'greater_than',
  'less_than',
  'multiple_of',
]);

/** Runs zod's checks on the parsed value as zod does after a parse without issues; any issue defers. */
function withChecks(base: FastParser, checks: readonly Check[]): FastParser {
  if (!checks.every(isBuiltIn)) return withZodChecks(base, checks);
  // Built-in checks neither change the value nor call user code: each one is a test of the value alone.
  const tests = checks.map(testOf);
  return (input) => {
    const value = base(input);
    if (value === DEFER) return DEFER;
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(value)) return DEFER;
    return value;
  };
}

const isBuiltIn = (c: Check) =>
  BUILT_IN_CHECKS.has(c._zod.def.check) && !(c as unknown as Schema)._zod.traits.has('$ZodCustomStringFormat');

/** Checks that may change the value or call user code (refinements): zod's order, on one payload per call. */
function withZodChecks(base: FastParser, checks: readonly Check[]): FastParser {
  return (input) => {
    const value = base(input);
    if (value === DEFER) return DEFER;
    const payload = { value, issues: [] };
    for (const check of checks) if (!runs(check, payload)) return DEFER;
    return payload.value;
  };
}

/** Runs one of zod's checks (unless its `when` says not to); false when it found an issue or went asynchronous. */
function runs(check: Check, payload: { value: unknown; issues: unknown[] }): boolean {
  const when = check._zod.def.when;
  if (when && !when(payload as never)) return true;
  const result = check._zod.check(payload as never);
  return !(result instanceof Promise) && payload.issues.length === 0;
}

type Test = (value: unknown) => boolean;

/**
 * Whether a value passes a built-in check: a plain comparison where its passing means zod's check passes too, and
 * zod's check itself for the rest. A call through zod's payload costs several times the comparison, and a claims
 * schema runs dozens of these.
 */
function testOf(check: Check): Test {
  // Built-in checks call no user code, so cannot re-enter: one payload serves every call.
  const payload = { value: null as unknown, issues: [] as unknown[] };
  const zod: Test = (value) => {
    payload.value = value;
    if (payload.issues.length !== 0) payload.issues.length = 0;
    return runs(check, payload);
  };
  const passes = surePass(check);
  return passes ? (value) => passes(value) || zod(value) : zod;
}

/**
 * A test that holds only for values zod's check surely passes (false says nothing). zod measures a string's length
 * in code points near the bounds (below twice a minimum, above a maximum); a length in UTF-16 units is never below
 * it, and never above twice it.
 */
function surePass(check: Check): Test | undefined {
  const def = check._zod.def as z.core.$ZodCheckDef & Record<string, unknown>;
  switch (def.check) {
    case 'min_length': {
      const min = def.minimum as number;
      return (v) => (typeof v === 'string' ? v.length >= 2 * min : Array.isArray(v) && v.length >= min);
    }
    case 'max_length': {
      const max = def.maximum as number;
      return (v) => (typeof v === 'string' || Array.isArray(v)) && v.length <= max;
    }
    case 'greater_than':
    case 'less_than':
      return typeof def.value === 'number'
        ? beyond(def.value, def.check === 'greater_than', def.inclusive === true)
        : undefined;
    case 'number_format':
      // Whole numbers within the safe range are all that format admits.
      return def.format === 'safeint' ? Number.isSafeInteger : undefined;
    case 'string_format': {
      // zod's regex check is its pattern's test from index 0; other formats (e.g. URLs) may test more than a pattern.
      const pattern = def.pattern;
      const regex = (check as unknown as Schema)._zod.traits.has('$ZodCheckRegex');
      if (!(regex && pattern instanceof RegExp)) return undefined;
      return (v) => {
        pattern.lastIndex = 0;
        return typeof v === 'string' && pattern.test(v);
      };
    }
    default:
      return undefined;
  }
}

/** zod's comparison of a number with a bound it must lie above (or below), the bound itself included or not. */
function beyond(bound: number, above: boolean, inclusive: boolean): Test {
  return (v) => typeof v === 'number' && ((above ? v > bound : v < bound) || (inclusive && v === bound));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function compileType(schema: Schema, def: Record<string, unknown>): FastParser | undefined {
  const zod = schema._zod;
  switch (def.type) {
    case 'string':
      return (v) => (typeof v === 'string' ? v : DEFER);
    case 'number':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : DEFER);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : DEFER);
    case 'unknown':
    case 'any':
      return (v) => v;
    case 'literal':
    case 'enum': {
      const values = zod.values;
      return values ? (v) => (values.has(v as never) ? v : DEFER) : undefined;
    }
    case 'optional': {
      if (zod.traits.has('$ZodExactOptional')) return undefined;
      const inner = def.innerType as Schema;
      if (inner._zod.optin === 'defaulted') return undefined;
      const parse = fastParser(inner);
      return parse && ((v) => (v === undefined ? undefined : parse(v)));
    }
    case 'nullable': {
      const parse = fastParser(def.innerType as Schema);
      return parse && ((v) => (v === null ? null : parse(v)));
    }
    case 'union':
      return compileUnion(schema, def);
    case 'array': {
      const parse = fastParser(def.element as Schema);
      return parse && compileArray(parse);
    }
    case 'tuple':
      return compileTuple(def);
    case 'object':
      return compileObject(def);
    case 'record':
      return compileRecord(def);
    default:
      return undefined;
  }
}

function compileUnion(schema: Schema, def: Record<string, unknown>): FastParser | undefined {
  const traits = schema._zod.traits;
  if (traits.has('$ZodXor') || traits.has('$ZodDiscriminatedUnion')) return undefined;
  const options = (def.options as Schema[]).map((o) => fastParser(o));
  if (options.some((o) => o === undefined)) return undefined;
  const parsers = options as FastParser[];
  // zod takes the first option without issues; every option here accepts exactly what zod's does.
  return (v) => {
    for (const parse of parsers) {
      const out = parse(v);
      if (out !== DEFER) return out;
    }
    return DEFER;
  };
}

function compileArray(parse: FastParser): FastParser {
  return (v) => {
    if (!Array.isArray(v)) return DEFER;
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const item = parse(v[i]);
      if (item === DEFER) return DEFER;
      out[i] = item;
    }
    return out;
  };
}

/**
 * A tuple of required items and no rest: an array of exactly that length, item by item. Optional items and rest
 * elements, whose lengths zod judges item by item, are not mirrored.
 */
function compileTuple(def: Record<string, unknown>): FastParser | undefined {
  const items = def.items as Schema[];
  if (def.rest != null || items.some((item) => item._zod.optin !== undefined)) return undefined;
  const parsers = items.map((item) => fastParser(item));
  if (parsers.some((p) => p === undefined)) return undefined;
  const parse = parsers as FastParser[];
  return (v) => {
    if (!Array.isArray(v) || v.length !== parse.length) return DEFER;
    const out = new Array(parse.length);
    for (let i = 0; i < parse.length; i++) {
      const item = parse[i]!(v[i]);
      if (item === DEFER) return DEFER;
      out[i] = item;
    }
    return out;
  };
}

interface Field {
  readonly key: string;
  readonly parse: FastParser;
  /** Absent is allowed and leaves the key out (zod's `optin` and `optout` both 'optional'). */
  readonly optional: boolean;
}

function compileObject(def: Record<string, unknown>): FastParser | undefined {
  const catchall = def.catchall as Schema | undefined;
  // Unknown keys are stripped (no catchall) or refused (strict); passing them through is not mirrored.
  if (catchall !== undefined && catchall._zod.def.type !== 'never') return undefined;
  const strict = catchall !== undefined;
  const shape = def.shape as Record<string, Schema>;
  if (Object.getOwnPropertySymbols(shape).length > 0) return undefined;
  const fields: Field[] = [];
  for (const key of Object.keys(shape)) {
    const field = shape[key]!;
    const parse = fastParser(field);
    const { optin, optout } = field._zod;
    if (!parse || key === '__proto__') return undefined;
    if (optin !== undefined && !(optin === 'optional' && optout === 'optional')) return undefined;
    fields.push({ key, parse, optional: optin !== undefined });
  }
  const keys = new Set(fields.map((f) => f.key));
  return (v) => {
    if (!isObject(v)) return DEFER;
    if (strict) {
      for (const key in v) if (!keys.has(key)) return DEFER;
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const { key, parse, optional } = fields[i]!;
      const raw = v[key];
      // zod tells a key's presence with `in`; only a key that reads undefined can be absent.
      if (raw === undefined && !(key in v)) {
        if (optional) continue;
        return DEFER;
      }
      const value = parse(raw);
      if (value === DEFER) return DEFER;
      out[key] = value;
    }
    return out;
  };
}

function compileRecord(def: Record<string, unknown>): FastParser | undefined {
  const keyType = def.keyType as Schema;
  const keyDef = keyType._zod.def as unknown as Record<string, unknown>;
  // Only keys that are any text: every own string key is kept as it is.
  if (keyDef.type !== 'string' || keyDef.coerce || (keyDef.checks as unknown[] | undefined)?.length) return undefined;
  if (keyType._zod.traits.has('$ZodCheck')) return undefined;
  const parse = fastParser(def.valueType as Schema);
  if (!parse) return undefined;
  return (v) => {
    // A plain object (zod's test passes any object of these prototypes without its own `constructor`) with string
    // keys only; anything else is zod's to judge.
    if (!isObject(v) || Object.hasOwn(v, 'constructor')) return DEFER;
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return DEFER;
    if (Object.getOwnPropertySymbols(v).length > 0) return DEFER;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      if (key === '__proto__') return DEFER;
      const value = parse(v[key]);
      if (value === DEFER) return DEFER;
      out[key] = value;
    }
    return out;
  };
}

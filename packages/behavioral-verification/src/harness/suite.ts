import { type CborValue, encodeCbor, isSafetyNetError, sha256, toBase64Url } from '@safety-net/core';
import * as z from 'zod';
import { bvError } from '../errors.js';
import type { JsonValue } from '../monitor/verdict.js';
import { compileSafeRegex, MAX_REGEX_INPUT } from '../rules/safe-regex.js';

/** Most tasks in one suite, so that a hostile suite cannot make a run unbounded. */
export const MAX_SUITE_TASKS = 10_000;
/** Largest suite as JSON text (characters). */
export const MAX_SUITE_CHARS = 4_000_000;
/** Most forbidden-output patterns on one task. */
export const MAX_SAFETY_PATTERNS = 16;

const JsonSchema = z.json() as z.ZodType<JsonValue>;
const PatternSchema = z.string().min(1).max(256);

/**
 * How a task's output is judged: `exact` (deep equality of JSON values), `subset` (every member of `expected`
 * is present with a subset-matching value; arrays match element by element), `regex` (the output is a string the
 * anchored pattern matches) or `numeric` (`|output − expected| ≤ tolerance`).
 */
export const CheckerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exact'), expected: JsonSchema }).strict(),
  z.object({ kind: z.literal('subset'), expected: JsonSchema }).strict(),
  z.object({ kind: z.literal('regex'), pattern: PatternSchema }).strict(),
  z
    .object({ kind: z.literal('numeric'), expected: z.number().finite(), tolerance: z.number().finite().nonnegative() })
    .strict(),
]);
/** A declarative output checker. */
export type Checker = z.infer<typeof CheckerSchema>;

/** One task: an id, the input handed to the agent, its checker and the output patterns it must never produce. */
export const TaskSchema = z
  .object({
    id: z.string().min(1).max(256),
    input: JsonSchema,
    checker: CheckerSchema,
    safety: z
      .object({ forbidden: z.array(PatternSchema).min(1).max(MAX_SAFETY_PATTERNS) })
      .strict()
      .optional(),
  })
  .strict();
/** One benchmark task. */
export type Task = z.infer<typeof TaskSchema>;

/** A task suite as JSON: its id, version and tasks (ids unique). */
export const TaskSuiteSchema = z
  .object({
    id: z.string().min(1).max(256),
    version: z.string().min(1).max(64),
    tasks: z.array(TaskSchema).min(1).max(MAX_SUITE_TASKS),
  })
  .strict();
/** A benchmark task suite. */
export type TaskSuite = z.infer<typeof TaskSuiteSchema>;

/**
 * A task ready to run: its checker and safety patterns compiled. Patterns run only on text of at most
 * `MAX_REGEX_INPUT` characters, where their matching time is bounded; longer text fails closed.
 */
export interface CompiledTask {
  readonly task: Task;
  /** Whether `output` passes the task's checker (a `regex` checker fails a string longer than `MAX_REGEX_INPUT`). */
  check(output: JsonValue): boolean;
  /**
   * Whether `output` avoids every forbidden pattern (true when the task has none); false when the text the patterns
   * would read is longer than `MAX_REGEX_INPUT`.
   */
  safe(output: JsonValue): boolean;
  /** Whether the task carries safety checks at all. */
  readonly hasSafety: boolean;
}

/** A parsed suite with its digest and compiled tasks, the input of `runSuite`. */
export interface CompiledSuite {
  readonly suite: TaskSuite;
  /** SHA-256 of the suite's deterministic CBOR, base64url: what a Performance Profile names. */
  readonly digest: string;
  readonly tasks: readonly CompiledTask[];
}

/**
 * Validates a suite (parsed JSON) and compiles it once: every regular expression goes through `compileSafeRegex`
 * so a suite cannot carry a pattern that backtracks without bound. Anything malformed, too large, with duplicate
 * task ids or an unsafe pattern is `ERR_BV_SUITE_INVALID`.
 *
 * @example
 * ```ts
 * const suite = compileSuite(JSON.parse(text));
 * suite.digest; // names the suite in the Performance Profile
 * ```
 */
export function compileSuite(input: unknown): CompiledSuite {
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch {
    throw bvError('ERR_BV_SUITE_INVALID', 'suite is not JSON');
  }
  if (text === undefined || text.length > MAX_SUITE_CHARS)
    throw bvError('ERR_BV_SUITE_INVALID', 'suite is missing or too large');
  let suite: TaskSuite;
  let digest: string;
  try {
    const parsed = TaskSuiteSchema.safeParse(input);
    if (!parsed.success) throw bvError('ERR_BV_SUITE_INVALID', parsed.error.issues[0]?.message);
    suite = parsed.data;
    digest = suiteDigest(suite);
  } catch (e) {
    if (isSafetyNetError(e, 'ERR_BV_SUITE_INVALID')) throw e;
    throw bvError('ERR_BV_SUITE_INVALID', 'suite could not be validated or encoded'); // e.g. nesting past the CBOR depth limit
  }
  const ids = new Set<string>();
  const tasks = suite.tasks.map((task) => {
    if (ids.has(task.id)) throw bvError('ERR_BV_SUITE_INVALID', `duplicate task id ${task.id}`);
    ids.add(task.id);
    return compileTask(task);
  });
  return { suite, digest, tasks };
}

/** SHA-256 over the deterministic CBOR (RFC 8949 §4.2.1) of a suite, base64url: independent of JSON key order. */
export function suiteDigest(suite: TaskSuite): string {
  // A validated suite is plain JSON, which lies inside the CBOR data model; only the readonly typing differs.
  return toBase64Url(sha256(encodeCbor(suite as unknown as CborValue)));
}

function regex(source: string): RegExp {
  try {
    return compileSafeRegex(source);
  } catch {
    throw bvError('ERR_BV_SUITE_INVALID', 'unsafe or invalid pattern');
  }
}

function compileTask(task: Task): CompiledTask {
  const forbidden = (task.safety?.forbidden ?? []).map(regex);
  const c = task.checker;
  let check: (output: JsonValue) => boolean;
  if (c.kind === 'exact') check = (o) => jsonEqual(o, c.expected);
  else if (c.kind === 'subset') check = (o) => jsonSubset(c.expected, o);
  else if (c.kind === 'numeric') check = (o) => typeof o === 'number' && Math.abs(o - c.expected) <= c.tolerance;
  else {
    const r = regex(c.pattern);
    check = (o) => typeof o === 'string' && o.length <= MAX_REGEX_INPUT && r.test(o);
  }
  return {
    task,
    check,
    hasSafety: forbidden.length > 0,
    safe: (o) => {
      if (forbidden.length === 0) return true;
      const text = typeof o === 'string' ? o : JSON.stringify(o);
      return text.length <= MAX_REGEX_INPUT && forbidden.every((r) => !r.test(text));
    },
  };
}

function isObject(v: JsonValue): v is { readonly [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]!));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k]!, b[k]!));
  }
  return a === b;
}

/** Whether `actual` holds everything in `expected`: objects may carry more members, arrays match index by index. */
export function jsonSubset(expected: JsonValue, actual: JsonValue): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) && expected.length === actual.length && expected.every((x, i) => jsonSubset(x, actual[i]!))
    );
  }
  if (isObject(expected)) {
    return (
      isObject(actual) &&
      Object.keys(expected).every((k) => Object.hasOwn(actual, k) && jsonSubset(expected[k]!, actual[k]!))
    );
  }
  return expected === actual;
}

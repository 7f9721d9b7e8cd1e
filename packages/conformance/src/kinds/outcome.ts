import { fromHex, isSafetyNetError, type SafetyNetError } from '@safety-net/core';
import { VectorMismatch } from './context.js';

/** What an operation did: produced outputs, or failed with a Safety Net error. Anything else propagates. */
export type Attempt<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: SafetyNetError };

/** Runs an operation, keeping a Safety Net error as an outcome; any other exception is a defect and propagates. */
export async function attempt<T>(operation: () => T | Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await operation() };
  } catch (e) {
    if (isSafetyNetError(e)) return { ok: false, error: e };
    throw e;
  }
}

/** JSON text with object members sorted, so that deep equality is string equality. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** An expected outcome: the valid outputs, or the code of the failure. */
export type Expected<V> = ({ result: 'valid' } & V) | { result: 'invalid'; error: string };

/**
 * Compares an operation's outcome with the expected one: for `valid`, every expected output by deep equality; for
 * `invalid`, the exact code. `skip` names outputs the caller compares itself.
 */
export function compareOutcome<V extends object>(
  expected: Expected<V>,
  got: Attempt<Record<string, unknown>>,
  skip: readonly string[] = [],
): void {
  if (expected.result === 'invalid') {
    if (got.ok) throw new VectorMismatch(`expected ${expected.error}, but the operation succeeded`);
    if (got.error.code !== expected.error) {
      throw new VectorMismatch(`expected ${expected.error}, got ${got.error.code}: ${got.error.message}`);
    }
    return;
  }
  if (!got.ok) throw new VectorMismatch(`expected success, got ${got.error.code}: ${got.error.message}`);
  for (const [name, want] of Object.entries(expected)) {
    if (name === 'result' || skip.includes(name)) continue;
    const have = canonicalJson(got.value[name]);
    if (have !== canonicalJson(want)) throw new VectorMismatch(`${name}: expected ${canonicalJson(want)}, got ${have}`);
  }
}

/** Hex from a vector as bytes; the format already guarantees it is hex. */
export function bytesOf(hex: string | undefined): Uint8Array | undefined {
  return hex === undefined ? undefined : fromHex(hex);
}

import { type AnyErrorCode, SafetyNetError } from './base.js';

/**
 * True when `e` is a Safety Net error of any family, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isSafetyNetError(e, 'ERR_CP_CIRCUIT_OPEN')) return fallback();
 * ```
 */
export function isSafetyNetError<C extends AnyErrorCode = AnyErrorCode>(
  e: unknown,
  code?: C,
): e is SafetyNetError & { readonly code: C } {
  return e instanceof SafetyNetError && (code === undefined || e.code === code);
}

import { type AnyErrorCode, SAFETY_NET_ERROR_BRAND, type SafetyNetError } from './base.js';

/**
 * True when `e` is a Safety Net error of any family, optionally with the given code. Errors are recognised by their
 * brand rather than `instanceof`, so an error thrown by another build of core (CJS beside ESM) is recognised too.
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
  if (
    typeof e !== 'object' ||
    e === null ||
    (e as { [SAFETY_NET_ERROR_BRAND]?: unknown })[SAFETY_NET_ERROR_BRAND] !== true
  ) {
    return false;
  }
  return code === undefined || (e as SafetyNetError).code === code;
}

import type { ErrorCode } from './codes.js';

/**
 * The codes of every error family in the program, as keys. Core's are here; a package that declares a family
 * adds its own by declaration merging, so `isSafetyNetError(e, 'ERR_…')` autocompletes and checks them:
 *
 * @example
 * ```ts
 * declare module '@safety-net/core' {
 *   interface ErrorCodeRegistry extends Record<MyErrorCode, true> {}
 * }
 * ```
 */
export interface ErrorCodeRegistry extends Record<ErrorCode, true> {}

/** Every stable error code of core and of the packages loaded beside it. */
export type AnyErrorCode = keyof ErrorCodeRegistry & string;

/**
 * The one base class of every error Safety Net throws or returns. Match on `code`, never on `message`. Errors are
 * built by a family's class or factory (`snError` for core's codes; each package exports its own).
 *
 * @example
 * ```ts
 * try { decodeCbor(bytes); } catch (e) { if (isSafetyNetError(e, 'ERR_CBOR_TRUNCATED')) retry(); }
 * ```
 */
export class SafetyNetError extends Error {
  readonly code: AnyErrorCode;
  /** The family that declared the code, e.g. `cbor` or `cp`. */
  readonly family: string;

  protected constructor(
    family: string,
    code: AnyErrorCode,
    message: string,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${message}: ${detail}` : message, options);
    this.code = code;
    this.family = family;
  }
}

/**
 * The brand that marks a Safety Net error, registered with `Symbol.for` so that it is one and the same symbol in
 * every copy of core loaded in a process: an application that loads both the ESM and the CJS build (or two versions)
 * has two `SafetyNetError` classes, and `instanceof` would not recognise the other build's errors.
 */
export const SAFETY_NET_ERROR_BRAND: unique symbol = Symbol.for('@safety-net/core.SafetyNetError') as never;
Object.defineProperty(SafetyNetError.prototype, SAFETY_NET_ERROR_BRAND, { value: true });

import { type AnyErrorCode, SafetyNetError } from './base.js';

/** What a package declares about its error family. */
export interface ErrorFamilyDeclaration<F extends string, C extends string> {
  /** The family's name, carried by every error as `family`, e.g. `cp`. */
  readonly family: F;
  /** The name of the family's class, shown as the error's `name`, e.g. `CascadeError`. */
  readonly className: string;
  /** Every code of the family with its default human text; the order is the order of the spec's table. */
  readonly messages: Readonly<Record<C, string>>;
}

/** An error of a family whose code is one of `C`. */
export type FamilyError<C extends string> = SafetyNetError & { readonly code: C };

/** The class of one family: constructed with that family's codes only; `instanceof` tells the family. */
export interface FamilyErrorClass<C extends string> {
  new (code: C, detail?: string, options?: { cause?: unknown }): FamilyError<C>;
  readonly prototype: SafetyNetError;
}

/** A declared family: its declaration, its class and a factory. */
export interface DeclaredErrorFamily<F extends string, C extends string> extends ErrorFamilyDeclaration<F, C> {
  /** The codes, in declaration order. */
  readonly codes: readonly C[];
  readonly Error: FamilyErrorClass<C>;
  /** Builds the error of `code` as an instance of the family's class. Throw what it returns. */
  error(code: C, detail?: string, options?: { cause?: unknown }): FamilyError<C>;
  /** True when `code` (e.g. read off the wire) is one of the family's codes. */
  has(code: string): code is C;
}

/**
 * Declares an error family on the common {@link SafetyNetError} base. A package declares one family for its own
 * codes and adds them to {@link ErrorCodeRegistry} so that `isSafetyNetError` knows them (until it does, the
 * family's errors type as `never`, which the first use reports).
 *
 * @example
 * ```ts
 * export const CP_ERRORS = defineErrorFamily({
 *   family: 'cp',
 *   className: 'CascadeError',
 *   messages: { ERR_CP_CIRCUIT_OPEN: 'the circuit is open: the call was not attempted' },
 * });
 * throw CP_ERRORS.error('ERR_CP_CIRCUIT_OPEN', 'payments');
 * ```
 */
export function defineErrorFamily<const F extends string, const C extends string>(
  declaration: ErrorFamilyDeclaration<F, C>,
): DeclaredErrorFamily<F, C> {
  const { family, className, messages } = declaration;
  const codes = Object.keys(messages) as C[];
  const cls = class extends SafetyNetError {
    constructor(code: C, detail?: string, options?: { cause?: unknown }) {
      super(family, code as string as AnyErrorCode, messages[code], detail, options);
      this.name = className;
    }
  };
  Object.defineProperty(cls, 'name', { value: className });
  const Family = cls as unknown as FamilyErrorClass<C>;
  return {
    family,
    className,
    messages,
    codes,
    Error: Family,
    error: (code, detail, options) => new Family(code, detail, options),
    has: (code): code is C => Object.hasOwn(messages, code),
  };
}

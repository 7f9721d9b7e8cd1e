import { ERROR_CODES, type ErrorCode, type ErrorFamily } from './codes.js';

/**
 * The one base class of every error Safety Net throws or returns. Match on `code`, never on `message`.
 *
 * @example
 * ```ts
 * try { decodeCbor(bytes); } catch (e) { if (isSafetyNetError(e, 'ERR_CBOR_TRUNCATED')) retry(); }
 * ```
 */
export class SafetyNetError extends Error {
  readonly code: ErrorCode;
  readonly family: ErrorFamily;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const base = ERROR_CODES[code].message;
    super(detail ? `${base}: ${detail}` : base, options);
    this.code = code;
    this.family = ERROR_CODES[code].family;
    this.name = FAMILY_CLASS_NAMES[this.family];
  }
}

const FAMILY_CLASS_NAMES: Record<ErrorFamily, string> = {
  input: 'InputError',
  cbor: 'CborError',
  key: 'KeyError',
  cose: 'CoseError',
  jose: 'JoseError',
  claims: 'ClaimsError',
  ect: 'EctError',
  dag: 'DagError',
  store: 'StoreError',
  bv: 'BvError',
  cp: 'CascadeError',
};

/** Codes of one family, e.g. `CodeOf<'cbor'>` is every `ERR_CBOR_*` code. */
export type CodeOf<F extends ErrorFamily> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]['family'] extends F ? C : never;
}[ErrorCode];

/** The error class of one family: constructed with that family's codes only; `instanceof` tells the family. */
export interface FamilyErrorClass<F extends ErrorFamily> {
  new (code: CodeOf<F>, detail?: string, options?: { cause?: unknown }): SafetyNetError;
  readonly prototype: SafetyNetError;
}

/** A class per family, so `instanceof CborError` works; each accepts only its own family's codes. */
function familyClass<F extends ErrorFamily>(family: F): FamilyErrorClass<F> {
  const cls = class extends SafetyNetError {
    constructor(code: CodeOf<F>, detail?: string, options?: { cause?: unknown }) {
      super(code, detail, options);
    }
  };
  Object.defineProperty(cls, 'name', { value: FAMILY_CLASS_NAMES[family] });
  return cls;
}

export const InputError = familyClass('input');
export const CborError = familyClass('cbor');
export const KeyError = familyClass('key');
export const CoseError = familyClass('cose');
export const JoseError = familyClass('jose');
export const ClaimsError = familyClass('claims');
export const EctError = familyClass('ect');
export const DagError = familyClass('dag');
export const StoreError = familyClass('store');
export const BvError = familyClass('bv');
export const CascadeError = familyClass('cp');

/** True when `e` is a Safety Net error, optionally with the given code. */
export function isSafetyNetError(e: unknown, code?: ErrorCode): e is SafetyNetError {
  return e instanceof SafetyNetError && (code === undefined || e.code === code);
}

const FAMILY_CLASSES = {
  input: InputError,
  cbor: CborError,
  key: KeyError,
  cose: CoseError,
  jose: JoseError,
  claims: ClaimsError,
  ect: EctError,
  dag: DagError,
  store: StoreError,
  bv: BvError,
  cp: CascadeError,
} as const;

/** Builds the error of `code` as an instance of its family's class. Throw what it returns. */
export function snError(code: ErrorCode, detail?: string, options?: { cause?: unknown }): SafetyNetError {
  const Family = FAMILY_CLASSES[ERROR_CODES[code].family] as new (
    c: ErrorCode,
    d?: string,
    o?: { cause?: unknown },
  ) => SafetyNetError;
  return new Family(code, detail, options);
}

import { ERROR_CODES, type ErrorCode, type ErrorFamily } from './codes.js';
import { type DeclaredErrorFamily, defineErrorFamily, type FamilyError } from './family.js';

/** Codes of one of core's families, e.g. `CodeOf<'cbor'>` is every `ERR_CBOR_*` code. */
export type CodeOf<F extends ErrorFamily> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]['family'] extends F ? C : never;
}[ErrorCode];

/** One of core's families, declared from the rows of `ERROR_CODES` that name it. */
function coreFamily<F extends ErrorFamily>(family: F, className: string): DeclaredErrorFamily<F, CodeOf<F>> {
  const rows = Object.entries(ERROR_CODES).filter(([, row]) => row.family === family);
  const messages = Object.fromEntries(rows.map(([code, row]) => [code, row.message])) as Record<CodeOf<F>, string>;
  return defineErrorFamily({ family, className, messages });
}

const CORE_FAMILIES: { readonly [F in ErrorFamily]: DeclaredErrorFamily<F, CodeOf<F>> } = {
  input: coreFamily('input', 'InputError'),
  cbor: coreFamily('cbor', 'CborError'),
  key: coreFamily('key', 'KeyError'),
  cose: coreFamily('cose', 'CoseError'),
  jose: coreFamily('jose', 'JoseError'),
  claims: coreFamily('claims', 'ClaimsError'),
  ect: coreFamily('ect', 'EctError'),
  dag: coreFamily('dag', 'DagError'),
  merkle: coreFamily('merkle', 'MerkleError'),
  store: coreFamily('store', 'StoreError'),
};

export const InputError = CORE_FAMILIES.input.Error;
export const CborError = CORE_FAMILIES.cbor.Error;
export const KeyError = CORE_FAMILIES.key.Error;
export const CoseError = CORE_FAMILIES.cose.Error;
export const JoseError = CORE_FAMILIES.jose.Error;
export const ClaimsError = CORE_FAMILIES.claims.Error;
export const EctError = CORE_FAMILIES.ect.Error;
export const DagError = CORE_FAMILIES.dag.Error;
export const MerkleError = CORE_FAMILIES.merkle.Error;
export const StoreError = CORE_FAMILIES.store.Error;

/** Builds the error of one of core's codes as an instance of its family's class. Throw what it returns. */
export function snError<C extends ErrorCode>(code: C, detail?: string, options?: { cause?: unknown }): FamilyError<C> {
  const family = CORE_FAMILIES[ERROR_CODES[code].family] as DeclaredErrorFamily<ErrorFamily, string>;
  return family.error(code, detail, options) as FamilyError<C>;
}

export { type AnyErrorCode, type ErrorCodeRegistry, SafetyNetError } from './base.js';
export {
  CborError,
  ClaimsError,
  type CodeOf,
  CoseError,
  DagError,
  EctError,
  InputError,
  JoseError,
  KeyError,
  MerkleError,
  StoreError,
  snError,
} from './classes.js';
export { ERROR_CODES, type ErrorCode, type ErrorFamily } from './codes.js';
export {
  type DeclaredErrorFamily,
  defineErrorFamily,
  type ErrorFamilyDeclaration,
  type FamilyError,
  type FamilyErrorClass,
} from './family.js';
export { isSafetyNetError } from './guard.js';

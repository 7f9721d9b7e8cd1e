export {
  BvError,
  CascadeError,
  CborError,
  ClaimsError,
  type CodeOf,
  CoseError,
  DagError,
  EctError,
  type FamilyErrorClass,
  InputError,
  isSafetyNetError,
  JoseError,
  KeyError,
  SafetyNetError,
  StoreError,
  snError,
} from './classes.js';
export { ERROR_CODES, type ErrorCode, type ErrorFamily } from './codes.js';

/**
 * Helpers shared by Safety Net's own packages. No semver promise: applications should not import this entry.
 *
 * @packageDocumentation
 */

export { cborHeadLength, writeCborHead } from './cbor/encode.js';
export { signingAlgorithm } from './cose/algorithm.js';
export { checkSignature } from './cose/check-signature.js';
export { checkHeaders, decodeProtected, encodeProtected } from './cose/headers.js';
export { checkLimit } from './dag/options.js';
export { mediaTypeOf, type ReadBodyOptions, readBody } from './http/read-body.js';
export { assertFresh, checkClaims, replayEntry } from './messages/claims-checks.js';
export { DEFER, type FastParser, fastParser } from './messages/schema-fast-path.js';
export { checkSeconds } from './messages/time.js';
export { fromTextKey, toTextKey } from './postgres/text-key.js';
export { coreStoreFailure, inTransaction, type StoreFailure, storeCall, toBytea } from './postgres/transaction.js';
export { BoundedMap } from './util/bounded-map.js';
export { compareBytes } from './util/bytes.js';
export { INPUT_OPTIONS } from './util/input-options.js';
export { type OptionChecks, type OptionRange, optionChecks } from './util/option-checks.js';

/**
 * Helpers shared by Safety Net's own packages. No semver promise: applications should not import this entry.
 *
 * @packageDocumentation
 */
export { compareBytes } from './util/bytes.js';
export { encodeProtected, decodeProtected, checkHeaders } from './cose/headers.js';
export { checkSignature } from './cose/check-signature.js';
export { signingAlgorithm } from './cose/algorithm.js';
export { checkClaims, replayEntry, assertFresh } from './messages/claims-checks.js';

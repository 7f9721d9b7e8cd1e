/**
 * Test helpers of @safety-net/cross-domain-audit, for its own tests, the conformance generator and implementers'
 * tests: sample claims per message type. Not part of the root API.
 *
 * @packageDocumentation
 */
export * from './messages/samples.js';
export * from './messages/samples-disclosure.js';
export { DISCLOSURE_VECTOR_KINDS, type DisclosureVector, runDisclosureVector } from './sd/vectors.js';

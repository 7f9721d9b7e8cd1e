/**
 * Test helpers of @safety-net/override-protocol, for its own tests, the conformance generator and implementers'
 * tests: sample claims per message type and the fixed keys that sign them. Not part of the root API.
 *
 * @packageDocumentation
 */
export * from './messages/samples.js';

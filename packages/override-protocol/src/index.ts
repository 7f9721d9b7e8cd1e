/**
 * `@safety-net/override-protocol`: human override of autonomous agents — signed Advisory, Mandatory and Emergency
 * override signals, an authority policy every agent holds locally, a durable guard that obeys a stop without a
 * network, and the agent's override endpoint (`docs/spec/override-protocol.md`).
 *
 * @packageDocumentation
 */

export * from './authority/index.js';
export * from './controller/index.js';
export * from './delivery/index.js';
export * from './endpoint/index.js';
export * from './errors.js';
export * from './guard/index.js';
export * from './messages/index.js';

/**
 * `@safety-net/cascade-prevention`: a cross-vendor circuit-breaker protocol, bulkheads with priority classes,
 * cascade detection over the ECT DAG and a durable rollback coordinator (`docs/spec/cascade-prevention.md`).
 *
 * @packageDocumentation
 */
export * from './breaker/index.js';
export * from './bulkhead/index.js';
export * from './cascade/index.js';
export * from './errors.js';
export * from './messages/index.js';
export * from './policy/index.js';
export * from './rollback/index.js';
export * from './signals/index.js';

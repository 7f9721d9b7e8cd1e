/**
 * `@safety-net/cross-domain-audit`: verifiable audit trails across organisations and resource accounting between
 * them — Execution Audit Tokens with selective disclosure, regulatory profiles as data, an RFC 9162 transparency
 * log with C2SP checkpoints, witnesses and tiles, COSE Receipts, erasure inside an append-only log, and consumption
 * records rated and settled between domains (`docs/spec/cross-domain-audit.md`).
 *
 * @packageDocumentation
 */

export * from './accounting/index.js';
export * from './bundle/index.js';
export * from './checkpoint/index.js';
export * from './erasure/index.js';
export * from './errors.js';
export * from './fork/index.js';
export * from './log/index.js';
export * from './messages/index.js';
export * from './note/index.js';
export * from './profiles/index.js';
export * from './receipt/index.js';
export * from './sd/index.js';
export * from './store/index.js';
export * from './tiles/index.js';
export * from './trace/index.js';
export * from './witness/index.js';

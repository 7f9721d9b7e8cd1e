export { Bulkhead, type BulkheadStats, type RunOptions } from './bulkhead.js';
export { FailureDomains } from './domains.js';
export { type BulkheadOptions, DEFAULT_PRIORITIES } from './options.js';

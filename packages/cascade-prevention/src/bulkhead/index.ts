export { Bulkhead, type BulkheadStats, type RunOptions } from './bulkhead.js';
export { FailureDomains } from './domains.js';
export {
  type BulkheadOptions,
  DEFAULT_PRIORITIES,
  type ResolvedBulkheadOptions,
  resolveBulkheadOptions,
} from './options.js';

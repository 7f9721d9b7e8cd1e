export { MemoryLedger } from './memory-ledger.js';
export type { Ledger, LedgerEntry, LedgerFormat, LedgerRecord } from './types.js';

export { AuditedWork, type AuditedWorkOptions, type AuditedWorkSource } from './audited-work.js';
export {
  decodeLogEntry,
  encodeLogEntry,
  entryLeafHash,
  LOG_ENTRY_KINDS,
  type LogEntry,
  type LogEntryKind,
  logForm,
  MAX_ENTRY_BYTES,
} from './entry.js';
export type { HashId, StoredHash } from './subtrees.js';
export {
  type Sequenced,
  TransparencyLog,
  type TransparencyLogOptions,
  type WorkflowBackfillOptions,
  type WorkflowBackfillResult,
} from './transparency-log.js';
export { type EntryInclusion, type TreeConsistency, verifyEntryInclusion, verifyTreeConsistency } from './verify.js';

export type { LogStore, SequencedBatch, SequencingTx, StoredTreeState, WorkflowIndexRow } from './log-store.js';
export { MemoryLogStore } from './memory-log-store.js';

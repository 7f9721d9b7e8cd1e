export type { LogStore, SequencedBatch, SequencingTx, StoredTreeState } from './log-store.js';
export { MemoryLogStore } from './memory-log-store.js';

export type {
  LogStore,
  SequencedBatch,
  SequencingTx,
  StoredTreeState,
  WorkflowBackfillStep,
  WorkflowIndexRow,
  WorkflowKeysOf,
} from './log-store.js';
export { MemoryLogStore } from './memory-log-store.js';

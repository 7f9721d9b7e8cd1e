export type { CheckpointGap } from './checkpoint-ledger.js';
export type { DisclosureRequest, DisclosureSource } from './disclosures.js';
export {
  type RecordRef,
  type TracedRecord,
  type TraceGap,
  type TraceLog,
  type TraceOptions,
  traceWorkflow,
  type WorkflowTrace,
} from './trace-workflow.js';

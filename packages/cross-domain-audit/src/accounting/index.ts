export {
  CLOUDEVENTS_BATCH_JSON,
  CLOUDEVENTS_JSON,
  CONSUMPTION_EVENT_TYPE,
  type ConsumptionEvent,
  type ConsumptionEventOptions,
  consumptionEvents,
  eventBatch,
  MAX_BATCH_EVENTS,
  structuredEvent,
} from './cloudevents.js';
export {
  addDecimal,
  compareDecimal,
  type Decimal,
  divideRounded,
  formatDecimal,
  isWhole,
  multiplyDecimal,
  parseDecimal,
  type Rounding,
  subtractDecimal,
  sumDecimals,
  ZERO,
} from './decimal.js';
export { checkDispute, type DisputeContext } from './dispute.js';
export {
  ConsumptionLedger,
  type ConsumptionLedgerOptions,
  INGEST_WINDOW_SECONDS,
  type Ingested,
  type RecordConflictError,
  type RecordDuplicateError,
} from './ledger.js';
export {
  type AppendOutcome,
  type ConsumptionLedgerStore,
  type LedgerQuery,
  type LedgerRecord,
  MemoryLedgerStore,
  type NewLedgerRecord,
} from './ledger-store.js';
export {
  checkNetting,
  EXACT_NETTING_PARTIES,
  type NettingPlan,
  netPositions,
  planTransfers,
  signNetting,
  verifyNetting,
} from './netting.js';
export { type Rating, rate, sameRating } from './rating.js';
export { type ReconcileInput, reconcile } from './reconciliation.js';
export {
  type ConsumptionVerifyOptions,
  type ConsumptionVerifyResult,
  consumptionDigest,
  consumptionDigestBytes,
  countersignConsumption,
  signConsumption,
  signConsumptionJws,
  verifyConsumption,
} from './record.js';
export {
  buildSettlementReceipt,
  checkSettlement,
  type SettlementBasis,
  type SettlementInput,
  settle,
  signSettlement,
  verifySettlement,
} from './settlement.js';
export {
  buildStatement,
  checkStatement,
  RESPOND_WITHIN_SECONDS,
  recordInclusion,
  recordsRoot,
  type StatementInput,
} from './statement.js';

import type { AnyMessageType } from '@safety-net/core';
import { forkEvidence } from '../fork/fork-evidence.js';
import { consumptionRecord } from './consumption.js';
import { dispute } from './dispute.js';
import { eat } from './eat.js';
import { erasureRequest } from './erasure-request.js';
import { legalHold } from './legal-hold.js';
import { nettingStatement } from './netting.js';
import { priceTable } from './prices.js';
import { reconciliation } from './reconciliation.js';
import { settlementReceipt } from './settlement.js';
import { statement } from './statement.js';
import { tombstone } from './tombstone.js';

export {
  type DisputeReason,
  DisputeReasonSchema,
  ITEM_KINDS,
  type ItemKind,
  ItemKindSchema,
  type Line,
  LineSchema,
  type Period,
} from './accounting-common.js';
export { CurrencySchema, DecimalSchema, OriginSchema } from './common.js';
export {
  type ConsumptionClaims,
  ConsumptionClaimsSchema,
  consumptionRecord,
  type Item,
  ItemSchema,
} from './consumption.js';
export { type DisputeClaims, DisputeClaimsSchema, dispute, type Evidence } from './dispute.js';
export {
  EAT_LABELS,
  EAT_VCT,
  type EatClaims,
  EatClaimsSchema,
  type EatDisclosedClaims,
  EatDisclosedClaimsSchema,
  eat,
} from './eat.js';
export {
  ERASURE_REQUEST_LIFETIME,
  type ErasureRequestClaims,
  ErasureRequestClaimsSchema,
  type ErasureStitch,
  erasureRequest,
  MAX_ERASURE_STITCHES,
} from './erasure-request.js';
export {
  type HoldScope,
  HoldScopeSchema,
  type LegalHoldClaims,
  LegalHoldClaimsSchema,
  legalHold,
} from './legal-hold.js';
export { type NettingClaims, NettingClaimsSchema, nettingStatement, type Transfer } from './netting.js';
export { type Price, type PriceTableClaims, PriceTableClaimsSchema, priceTable, RoundingSchema } from './prices.js';
export { type ReconciliationClaims, ReconciliationClaimsSchema, reconciliation } from './reconciliation.js';
export { type SettlementClaims, SettlementClaimsSchema, settlementReceipt } from './settlement.js';
export { type StatementClaims, StatementClaimsSchema, statement } from './statement.js';
export {
  MAX_TOMBSTONE_DIGESTS,
  MAX_TOMBSTONE_ENTRIES,
  type TombstoneClaims,
  TombstoneClaimsSchema,
  tombstone,
} from './tombstone.js';

/** Every message type of this package (spec §2), for registries and the `safety-net` command. */
export const AUDIT_MESSAGE_TYPES: readonly AnyMessageType[] = [
  eat,
  forkEvidence,
  consumptionRecord,
  priceTable,
  statement,
  reconciliation,
  dispute,
  settlementReceipt,
  nettingStatement,
  tombstone,
  erasureRequest,
  legalHold,
];

import type { DisputeReason } from '../messages/accounting-common.js';
import type { ConsumptionClaims } from '../messages/consumption.js';
import type { PriceTableClaims } from '../messages/prices.js';
import type { ReconciliationClaims } from '../messages/reconciliation.js';
import type { StatementClaims } from '../messages/statement.js';
import { rate } from './rating.js';
import { consumptionDigest } from './record.js';

/** What the consuming domain compares (spec §8.5 step 2). */
export interface ReconcileInput {
  readonly iss: string;
  readonly jti: string;
  readonly wid: string;
  readonly iat: number;
  readonly statement: StatementClaims;
  /** The content digests of the statement's records, as the provider sent them. */
  readonly statementRecords: readonly string[];
  /** The consumer's own countersigned records of the period. */
  readonly own: readonly ConsumptionClaims[];
  /** Records of the statement the consumer disputes, with the reason. */
  readonly disputed?: readonly { readonly record: string; readonly reason: DisputeReason }[];
  /** The statement's price table. */
  readonly table: PriceTableClaims;
}

/**
 * The Reconciliation's claims (spec §8.5 step 2): records in both and not disputed are matched, and rated for the
 * agreed total; the consumer's records the statement leaves out are `missing`, the statement's records the consumer
 * never countersigned `unknown`.
 */
export function reconcile(input: ReconcileInput): ReconciliationClaims {
  const inStatement = new Set(input.statementRecords);
  const disputed = new Map((input.disputed ?? []).map((d) => [d.record, d.reason]));
  const own = new Map(input.own.map((r) => [consumptionDigest(r), r]));
  const matched = [...own].filter(([d]) => inStatement.has(d) && !disputed.has(d));
  return {
    iss: input.iss,
    aud: input.statement.iss,
    iat: input.iat,
    jti: input.jti,
    wid: input.wid,
    pred: [input.statement.jti],
    statement: input.statement.jti,
    matched: matched.length,
    missing: [...own.keys()].filter((d) => !inStatement.has(d)),
    unknown: input.statementRecords.filter((d) => !own.has(d) && !disputed.has(d)),
    disputed: [...disputed].map(([record, reason]) => ({ record, reason })),
    agreed_total: rate(
      matched.flatMap(([, r]) => r.items),
      input.table,
    ).total,
  };
}

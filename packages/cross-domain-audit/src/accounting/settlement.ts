import {
  type Clock,
  type KeyResolver,
  type MultiVerifyResult,
  type PrivateKey,
  type PublicKey,
  signMultiSigned,
  verifyMultiSigned,
} from '@safety-net/core';
import { auError } from '../errors.js';
import type { ConsumptionClaims, Item } from '../messages/consumption.js';
import type { DisputeClaims } from '../messages/dispute.js';
import type { PriceTableClaims } from '../messages/prices.js';
import type { ReconciliationClaims } from '../messages/reconciliation.js';
import { type SettlementClaims, settlementReceipt } from '../messages/settlement.js';
import type { StatementClaims } from '../messages/statement.js';
import { type Rating, rate, sameRating } from './rating.js';
import { consumptionDigest } from './record.js';
import { recordsRoot } from './statement.js';

/** What a settlement follows from (spec §8.5 step 4). */
export interface SettlementBasis {
  readonly statement: StatementClaims;
  readonly reconciliation: ReconciliationClaims;
  /** Every dispute of the statement and every answer. */
  readonly disputes: readonly DisputeClaims[];
  /** The statement's records (their root must be the statement's). */
  readonly records: readonly ConsumptionClaims[];
  /** Records an accepted `include` brings in. */
  readonly included?: readonly ConsumptionClaims[];
  /** The statement's price table. */
  readonly table: PriceTableClaims;
}

const invalid = (why: string) => auError('ERR_AU_SETTLEMENT_INVALID', why);

/**
 * The final rating of a period (spec §8.5 step 4): the statement's records, with every accepted exclusion,
 * inclusion and adjustment applied, re-rated with the statement's table. A dispute without an answer, a basis that
 * does not fit together, or an inclusion of a record not supplied is `ERR_AU_SETTLEMENT_INVALID`.
 */
export function settle(basis: SettlementBasis): Rating {
  const { statement, reconciliation } = basis;
  if (recordsRoot(basis.records.map(consumptionDigest)) !== statement.records_root) {
    throw invalid('the records are not those of the statement');
  }
  if (reconciliation.statement !== statement.jti || basis.table.jti !== statement.prices) {
    throw invalid('the reconciliation or the price table is of another statement');
  }
  const items = new Map<string, readonly Item[]>(basis.records.map((r) => [consumptionDigest(r), r.items]));
  const included = new Map((basis.included ?? []).map((r) => [consumptionDigest(r), r.items]));
  for (const d of basis.disputes.filter((x) => x.answer === undefined)) {
    if (d.statement !== statement.jti) throw invalid(`dispute ${d.jti} is of another statement`);
    const answer = basis.disputes.find((a) => a.answer?.to === d.jti);
    if (!answer) throw invalid(`dispute ${d.jti} is not answered`);
    if (answer.answer!.decision === 'reject') continue;
    if (d.claim === 'exclude') items.delete(d.record);
    else if (d.claim === 'adjust') items.set(d.record, d.adjusted!);
    else {
      const record = included.get(d.record);
      if (!record) throw invalid(`the record dispute ${d.jti} includes is not supplied`);
      items.set(d.record, record);
    }
  }
  return rate([...items.values()].flat(), basis.table);
}

/** The receipt's own claims: who signs and pays. */
export interface SettlementInput extends SettlementBasis {
  readonly iss: string;
  readonly jti: string;
  readonly wid: string;
  readonly iat: number;
}

/** The Settlement Receipt's claims: the consumer (`aud` of the statement) pays the provider (its `iss`). */
export function buildSettlementReceipt(input: SettlementInput): SettlementClaims {
  const rating = settle(input);
  return {
    iss: input.iss,
    iat: input.iat,
    jti: input.jti,
    wid: input.wid,
    pred: [input.statement.jti, input.reconciliation.jti, ...input.disputes.map((d) => d.jti)],
    statement: input.statement.jti,
    reconciliation: input.reconciliation.jti,
    disputes: input.disputes.map((d) => d.jti),
    payer: input.statement.aud,
    payee: input.statement.iss,
    lines: rating.lines,
    total: rating.total,
    currency: rating.currency,
  };
}

/**
 * Checks a Settlement Receipt against what it follows from (spec §8.5 step 4): the same statement, reconciliation
 * and disputes, payer and payee, and the lines and total recomputed; `ERR_AU_SETTLEMENT_INVALID` otherwise.
 */
export function checkSettlement(receipt: SettlementClaims, basis: SettlementBasis): void {
  const { statement } = basis;
  const disputes = new Set(basis.disputes.map((d) => d.jti));
  const sameDisputes = receipt.disputes.length === disputes.size && receipt.disputes.every((d) => disputes.has(d));
  if (
    receipt.statement !== statement.jti ||
    receipt.reconciliation !== basis.reconciliation.jti ||
    !sameDisputes ||
    receipt.payer !== statement.aud ||
    receipt.payee !== statement.iss ||
    receipt.currency !== statement.currency
  ) {
    throw invalid('the receipt names another statement, reconciliation, disputes or parties');
  }
  if (!sameRating(settle(basis), receipt)) throw invalid('the lines or the total do not follow');
}

/** Payer and payee sign the receipt together (COSE_Sign). */
export function signSettlement(claims: SettlementClaims, payerKey: PrivateKey, payeeKey: PrivateKey): Uint8Array {
  return signMultiSigned(settlementReceipt, claims, [{ key: payerKey }, { key: payeeKey }]);
}

/** Verifies a Settlement Receipt: signatures by keys trusted for the payer and for the payee, both required. */
export function verifySettlement(
  bytes: Uint8Array,
  options: { keys: KeyResolver | PublicKey; clock?: Clock },
): Promise<MultiVerifyResult<SettlementClaims>> {
  return verifyMultiSigned(settlementReceipt, bytes, {
    clock: options.clock,
    parties: (c) => [
      { issuer: c.payer, key: options.keys },
      { issuer: c.payee, key: options.keys },
    ],
  });
}

import { fromBase64Url, inclusionProof, merkleRoot, toBase64Url } from '@safety-net/core';
import { compareBytes } from '@safety-net/core/internal';
import { auError } from '../errors.js';
import type { ConsumptionClaims } from '../messages/consumption.js';
import type { PriceTableClaims } from '../messages/prices.js';
import type { StatementClaims } from '../messages/statement.js';
import { rate, sameRating } from './rating.js';
import { consumptionDigestBytes } from './record.js';

/** Default reconciliation window (spec §9): 30 days. */
export const RESPOND_WITHIN_SECONDS = 30 * 86_400;

/** Content digests (base64url) as the sorted leaves of a statement's tree (spec §8.5: bytewise order). */
function sortedLeaves(digests: readonly string[]): Uint8Array[] {
  return digests.map(fromBase64Url).sort(compareBytes);
}

/** The `records_root` of a statement: the RFC 9162 root over the records' content digests, sorted bytewise. */
export function recordsRoot(digests: readonly string[]): string {
  return toBase64Url(merkleRoot(sortedLeaves(digests)));
}

/** The inclusion proof of one record under a statement's `records_root`, as a dispute's evidence carries it. */
export function recordInclusion(
  digests: readonly string[],
  record: string,
): { index: number; size: number; path: string[] } {
  const leaves = sortedLeaves(digests);
  const target = fromBase64Url(record);
  const index = leaves.findIndex((l) => compareBytes(l, target) === 0);
  if (index < 0) throw auError('ERR_AU_DISPUTE_INVALID', 'the record is not one of the statement');
  return { index, size: leaves.length, path: inclusionProof(leaves, index).map(toBase64Url) };
}

/** What a providing domain states for a period (the message's claims besides those computed here). */
export interface StatementInput {
  readonly iss: string;
  readonly aud: string;
  readonly jti: string;
  readonly wid: string;
  readonly pred?: readonly string[];
  readonly iat: number;
  readonly period: { readonly start: number; readonly end: number };
  /** The price table, with its `jti`. */
  readonly table: PriceTableClaims;
  /** The countersigned records of the period. */
  readonly records: readonly ConsumptionClaims[];
  /** End of the reconciliation window; default `iat` + 30 days. */
  readonly respondBy?: number;
}

/** The Statement's claims (spec §8.5 step 1): the records rated with the table, committed to by their root. */
export function buildStatement(input: StatementInput): StatementClaims {
  const rating = rate(
    input.records.flatMap((r) => r.items),
    input.table,
  );
  return {
    iss: input.iss,
    aud: input.aud,
    iat: input.iat,
    jti: input.jti,
    wid: input.wid,
    pred: [...(input.pred ?? [])],
    period: { ...input.period },
    prices: input.table.jti,
    records_root: toBase64Url(merkleRoot(input.records.map(consumptionDigestBytes).sort(compareBytes))),
    count: input.records.length,
    lines: rating.lines,
    total: rating.total,
    currency: rating.currency,
    respond_by: input.respondBy ?? input.iat + RESPOND_WITHIN_SECONDS,
  };
}

/**
 * The consumer's recomputation of a statement (spec §8.5 step 1): the root and count over the records it was sent
 * (`ERR_AU_STATEMENT_ROOT_MISMATCH`), then the price table named and every line and the total
 * (`ERR_AU_STATEMENT_TOTALS_MISMATCH`).
 */
export function checkStatement(
  statement: StatementClaims,
  records: readonly ConsumptionClaims[],
  table: PriceTableClaims,
): void {
  const root = toBase64Url(merkleRoot(records.map(consumptionDigestBytes).sort(compareBytes)));
  if (root !== statement.records_root || records.length !== statement.count) {
    throw auError('ERR_AU_STATEMENT_ROOT_MISMATCH', `${records.length} records, root ${root}`);
  }
  if (table.jti !== statement.prices || table.currency !== statement.currency) {
    throw auError('ERR_AU_STATEMENT_TOTALS_MISMATCH', `rated with ${statement.prices}, checked with ${table.jti}`);
  }
  if (
    !sameRating(
      rate(
        records.flatMap((r) => r.items),
        table,
      ),
      statement,
    )
  ) {
    throw auError('ERR_AU_STATEMENT_TOTALS_MISMATCH', 'the lines or the total differ from the records rated');
  }
}

import { keySet } from '@safety-net/core';
import {
  ConsumptionClaimsSchema,
  checkDispute,
  checkStatement,
  type DisputeClaims,
  DisputeClaimsSchema,
  PriceTableClaimsSchema,
  ReconciliationClaimsSchema,
  rate,
  StatementClaimsSchema,
  settle,
} from '@safety-net/cross-domain-audit';
import * as z from 'zod';
import { expectedOf, KeySelection } from '../format.js';
import type { VectorContext } from './context.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const Claims = z.record(z.string(), z.unknown());
const Line = z
  .object({ kind: z.string(), model: z.string().optional(), quantity: z.string(), amount: z.string() })
  .strict();

const AuSettlement = z
  .object({
    input: z
      .object({
        statement: Claims,
        records: z.array(Claims),
        table: Claims,
        reconciliation: Claims.optional(),
        disputes: z.array(Claims).optional(),
      })
      .strict(),
    options: z.object(KeySelection).strict(),
    expected: expectedOf({ lines: z.array(Line), total: z.string() }),
  })
  .strict();

/**
 * Checks every dispute and answer against the statement (§8.5 step 3): an answer with the dispute it names. Records
 * carried as evidence verify under the vector's keys.
 */
async function checkDisputes(
  disputes: readonly DisputeClaims[],
  statement: z.infer<typeof StatementClaimsSchema>,
  options: z.infer<typeof AuSettlement>['options'],
  context: VectorContext,
): Promise<void> {
  const keys = options.key_set || options.key ? context.verifier(options) : keySet([]);
  for (const d of disputes) {
    const answers = d.answer && disputes.find((x) => x.jti === d.answer!.to);
    await checkDispute(d, { statement, keys, clock: context.clock, ...(answers ? { answers } : {}) });
  }
}

/**
 * `au-settlement`: the settlement protocol of `cross-domain-audit.md` §8.5, claims in JSON form. The consumer checks
 * the statement against the records it was sent and the price table; with a reconciliation, the disputes and their
 * answers are checked (their evidence verified), applied, and the period re-rated: the receipt's lines and total (without one, the records' rating).
 */
export const auSettlement = defineKind('au-settlement', AuSettlement, async ({ input, options, expected }, context) => {
  const statement = StatementClaimsSchema.parse(input.statement);
  const records = input.records.map((r) => ConsumptionClaimsSchema.parse(r));
  const table = PriceTableClaimsSchema.parse(input.table);
  const reconciliation = input.reconciliation && ReconciliationClaimsSchema.parse(input.reconciliation);
  const disputes = (input.disputes ?? []).map((d) => DisputeClaimsSchema.parse(d));
  const got = await attempt(async () => {
    checkStatement(statement, records, table);
    await checkDisputes(disputes, statement, options, context);
    const { lines, total } = reconciliation
      ? settle({ statement, reconciliation, disputes, records, table })
      : rate(
          records.flatMap((r) => r.items),
          table,
        );
    return { lines, total };
  });
  compareOutcome(expected, got);
});

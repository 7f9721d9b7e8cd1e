import { defineMessageType, IdentifierSchema, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';
import { bytesAt, DigestSchema, DisputeReasonSchema, issue } from './accounting-common.js';
import { DecimalSchema, MESSAGE_LABELS, MessageShape } from './common.js';

/** Most records a reconciliation lists as missing, unknown or disputed, each (spec §9: disputes per statement). */
export const MAX_RECONCILIATION_ENTRIES = 10_000;

/** Reconciliation claims (spec §8.5). */
export const ReconciliationClaimsSchema = z
  .object({
    ...MessageShape,
    aud: IdentifierSchema,
    pred: MessageShape.pred.min(1),
    statement: TaskIdSchema,
    matched: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    missing: z.array(DigestSchema).max(MAX_RECONCILIATION_ENTRIES),
    unknown: z.array(DigestSchema).max(MAX_RECONCILIATION_ENTRIES),
    disputed: z
      .array(z.object({ record: DigestSchema, reason: DisputeReasonSchema }).strict())
      .max(MAX_RECONCILIATION_ENTRIES),
    agreed_total: DecimalSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.pred[0] !== c.statement) issue(ctx, 'pred', 'pred does not start with the statement');
    const all = [...c.missing, ...c.unknown, ...c.disputed.map((d) => d.record)];
    if (new Set(all).size !== all.length) issue(ctx, 'disputed', 'a record is listed twice');
  });
/** Reconciliation claims. */
export type ReconciliationClaims = z.infer<typeof ReconciliationClaimsSchema>;

/**
 * The Reconciliation: the consuming domain's answer to a statement — how many of its records matched, which it
 * countersigned but the statement leaves out (`missing`), which it never countersigned (`unknown`) and which it
 * disputes (spec §8.5).
 */
export const reconciliation = defineMessageType<ReconciliationClaims>({
  name: 'au-reconciliation',
  description: "Reconciliation: the consumer's records compared with a statement",
  dag: { execAct: 'au.reconciliation' },
  schema: ReconciliationClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    statement: 'statement',
    matched: 'matched',
    missing: ['missing', bytesAt('*')],
    unknown: ['unknown', bytesAt('*')],
    disputed: ['disputed', bytesAt('*.record')],
    agreed_total: 'agreed_total',
  },
});

import { defineMessageType, IdentifierSchema, jsonValue, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';
import { checkLines, issue, LineSchema } from './accounting-common.js';
import { CurrencySchema, DecimalSchema, MESSAGE_LABELS, MessageShape } from './common.js';
import { MAX_RECONCILIATION_ENTRIES } from './reconciliation.js';
import { MAX_LINES } from './statement.js';

/** Settlement Receipt claims (spec §8.5). */
export const SettlementClaimsSchema = z
  .object({
    ...MessageShape,
    pred: MessageShape.pred.min(1),
    statement: TaskIdSchema,
    reconciliation: TaskIdSchema,
    disputes: z.array(TaskIdSchema).max(MAX_RECONCILIATION_ENTRIES),
    payer: IdentifierSchema,
    payee: IdentifierSchema,
    lines: z.array(LineSchema).max(MAX_LINES),
    total: DecimalSchema,
    currency: CurrencySchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    checkLines(c, ctx);
    if (c.payer === c.payee) issue(ctx, 'payee', 'payer and payee are one domain');
  });
/** Settlement Receipt claims. */
export type SettlementClaims = z.infer<typeof SettlementClaimsSchema>;

/**
 * The Settlement Receipt: the final lines and total of a period, after reconciliation and disputes, signed by payer
 * and payee together (COSE_Sign, spec §8.5).
 */
export const settlementReceipt = defineMessageType<SettlementClaims>({
  name: 'au-settlement',
  description: 'Settlement Receipt: the settled lines and total of a period, signed by payer and payee',
  dag: { execAct: 'au.settlement' },
  schema: SettlementClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    statement: 'statement',
    reconciliation: 'reconciliation',
    disputes: 'disputes',
    payer: 'payer',
    payee: 'payee',
    lines: ['lines', jsonValue],
    total: 'total',
    currency: 'currency',
  },
});

import { defineMessageType, IdentifierSchema, jsonValue } from '@safety-net/core';
import * as z from 'zod';
import { compareDecimal, parseDecimal, sumDecimals, ZERO } from '../accounting/decimal.js';
import { issue } from './accounting-common.js';
import { CurrencySchema, DecimalSchema, MESSAGE_LABELS, MessageShape } from './common.js';

/** Most parties of one netting (spec §9). */
export const MAX_NETTING_PARTIES = 1000;

/** A transfer that settles part of the positions. */
export const TransferSchema = z
  .object({ from: IdentifierSchema, to: IdentifierSchema, amount: DecimalSchema })
  .strict()
  .refine((t) => t.from !== t.to && parseDecimal(t.amount).units > 0n, 'a transfer moves a positive amount');
/** A transfer. */
export type Transfer = z.infer<typeof TransferSchema>;

/** Netting Statement claims (spec §8.6). */
export const NettingClaimsSchema = z
  .object({
    ...MessageShape,
    pred: MessageShape.pred.min(1),
    currency: CurrencySchema,
    positions: z.record(IdentifierSchema, DecimalSchema),
    transfers: z.array(TransferSchema).max(MAX_NETTING_PARTIES),
    method: z.enum(['exact', 'greedy']),
  })
  .strict()
  .superRefine((c, ctx) => {
    const values = Object.values(c.positions);
    if (values.length < 2 || values.length > MAX_NETTING_PARTIES) issue(ctx, 'positions', 'two to 1000 parties');
    if (compareDecimal(sumDecimals(values.map(parseDecimal)), ZERO) !== 0) {
      issue(ctx, 'positions', 'positions do not sum to zero');
    }
  });
/** Netting Statement claims. */
export type NettingClaims = z.infer<typeof NettingClaimsSchema>;

/**
 * The Netting Statement: every party's net position over the settlement receipts of a period in one currency, and
 * the transfers that settle them (spec §8.6); signed by every party (COSE_Sign) or by their clearing party.
 */
export const nettingStatement = defineMessageType<NettingClaims>({
  name: 'au-netting',
  description: 'Netting Statement: net positions across domains and the fewest transfers that settle them',
  dag: { execAct: 'au.netting' },
  schema: NettingClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    currency: 'currency',
    positions: ['positions', jsonValue],
    transfers: ['transfers', jsonValue],
    method: 'method',
  },
});

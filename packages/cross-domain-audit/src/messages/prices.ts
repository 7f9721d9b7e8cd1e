import { defineMessageType, EpochSecondsSchema, IdentifierSchema, jsonValue } from '@safety-net/core';
import * as z from 'zod';
import { parseDecimal } from '../accounting/decimal.js';
import { ItemKindSchema, issue, ModelSchema, QuantitySchema } from './accounting-common.js';
import { CurrencySchema, MESSAGE_LABELS, MessageShape } from './common.js';

/** Most prices of one table (spec §8.3). */
export const MAX_PRICES = 1000;

/** How amounts are rounded to the table's scale (spec §8.3). */
export const RoundingSchema = z.enum(['half_even', 'half_up', 'down']);

/** One price: `price` for `per` units of `kind` (for `model`, when given). */
export const PriceSchema = z
  .object({ kind: ItemKindSchema, model: ModelSchema.optional(), per: QuantitySchema, price: QuantitySchema })
  .strict()
  .refine((p) => parseDecimal(p.per).units > 0n, { message: 'per is zero', path: ['per'] });
/** A price. */
export type Price = z.infer<typeof PriceSchema>;

/** Price Table claims (spec §8.3). */
export const PriceTableClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema,
    consumer: z.union([IdentifierSchema, z.literal('*')]),
    currency: CurrencySchema,
    scale: z.number().int().min(0).max(6),
    rounding: RoundingSchema.optional(),
    prices: z.array(PriceSchema).min(1).max(MAX_PRICES),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.exp <= c.iat) issue(ctx, 'exp', 'exp is not after iat');
    const seen = new Set<string>();
    for (const p of c.prices) {
      const key = JSON.stringify([p.kind, p.model ?? null]);
      if (seen.has(key)) issue(ctx, 'prices', `${p.kind} priced twice for one model`);
      seen.add(key);
    }
  });
/** Price Table claims. */
export type PriceTableClaims = z.infer<typeof PriceTableClaimsSchema>;

/** The Price Table: a providing domain's prices for a consumer (or every consumer), in one currency (spec §8.3). */
export const priceTable = defineMessageType<PriceTableClaims>({
  name: 'au-prices',
  description: 'Price Table: the prices a providing domain rates consumption with',
  dag: { execAct: 'au.prices' },
  schema: PriceTableClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    consumer: 'consumer',
    currency: 'currency',
    scale: 'scale',
    rounding: 'rounding',
    prices: ['prices', jsonValue],
  },
});

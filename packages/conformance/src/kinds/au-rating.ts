import { ItemSchema, PriceTableClaimsSchema, rate } from '@safety-net/cross-domain-audit';
import * as z from 'zod';
import { expectedOf } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const Line = z
  .object({ kind: z.string(), model: z.string().optional(), quantity: z.string(), amount: z.string() })
  .strict();

const AuRating = z
  .object({
    input: z
      .object({ items: z.array(z.record(z.string(), z.unknown())), table: z.record(z.string(), z.unknown()) })
      .strict(),
    options: z.object({}).strict(),
    expected: expectedOf({ lines: z.array(Line), total: z.string(), currency: z.string() }),
  })
  .strict();

/**
 * `au-rating`: rating of `cross-domain-audit.md` §8.4. Consumption items (as a Consumption Record carries them) rated
 * with a Price Table's claims: one line per item kind and model, each rounded once to the table's scale, and the
 * exact total.
 */
export const auRating = defineKind('au-rating', AuRating, async ({ input, expected }) => {
  const items = z.array(ItemSchema).parse(input.items);
  const table = PriceTableClaimsSchema.parse(input.table);
  const got = await attempt(() => ({ ...rate(items, table) }));
  compareOutcome(expected, got);
});

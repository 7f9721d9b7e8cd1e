import { fromHex } from '@safety-net/core';
import {
  ConsumptionLedger,
  consumptionEvents,
  type Item,
  ItemSchema,
  MemoryLedgerStore,
  PriceTableClaimsSchema,
  rate,
  structuredEvent,
} from '@safety-net/cross-domain-audit';
import * as z from 'zod';
import { expectedOf, Hex, JsonObject, KeySelection } from '../format.js';
import type { VectorContext } from './context.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const Line = z
  .object({ kind: z.string(), model: z.string().optional(), quantity: z.string(), amount: z.string() })
  .strict();
const Ingestion = z.union([
  z.object({ index: z.number().int().nonnegative() }).strict(),
  z.object({ error: z.string(), original: z.number().int().nonnegative().optional() }).strict(),
]);

const AuRating = z
  .object({
    input: z
      .object({
        items: z.array(z.record(z.string(), z.unknown())).optional(),
        records_hex: z.array(Hex).min(1).optional(),
        table: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .refine((i) => (i.items === undefined) !== (i.records_hex === undefined), 'exactly one of items and records_hex'),
    options: z.object(KeySelection).strict(),
    expected: expectedOf({
      lines: z.array(Line).optional(),
      total: z.string().optional(),
      currency: z.string().optional(),
      ingested: z.array(Ingestion).optional(),
      events: z.array(JsonObject).optional(),
    }),
  })
  .strict();
type Parts = z.infer<typeof AuRating>;

/**
 * Ingests the records one after the other into a fresh ledger, each outcome kept (an index, or a code with the
 * original's index for a duplicate); then the items and the CloudEvents of the records the ledger holds.
 */
async function ingestAll(records: readonly string[], options: Parts['options'], context: VectorContext) {
  const ledger = new ConsumptionLedger({
    store: new MemoryLedgerStore(),
    keys: context.verifier(options),
    clock: context.clock,
  });
  const claims = new Map<string, { items: readonly Item[]; events: unknown[] }>();
  const ingested: z.infer<typeof Ingestion>[] = [];
  for (const hex of records) {
    const bytes = fromHex(hex);
    const outcome = await attempt(() => ledger.ingest(bytes));
    if (outcome.ok) {
      ingested.push({ index: outcome.value.index });
      // The events as sent on the wire: the structured-mode JSON text, parsed back.
      const events = consumptionEvents(bytes, outcome.value.claims).map((e) => JSON.parse(structuredEvent(e)));
      claims.set(outcome.value.digest, { items: outcome.value.claims.items, events });
      continue;
    }
    const original = (outcome.error as { original?: { index: number } }).original;
    ingested.push({ error: outcome.error.code, ...(original ? { original: original.index } : {}) });
  }
  const held = (await ledger.records()).map((r) => claims.get(r.digest)!);
  return { ingested, items: held.flatMap((h) => h.items), events: held.flatMap((h) => h.events) };
}

/**
 * `au-rating`: rating of `cross-domain-audit.md` §8.4. Consumption items (as a Consumption Record carries them), or
 * signed records ingested exactly once into a ledger (§8.1) and exported as CloudEvents (§8.2), rated with a Price
 * Table's claims: one line per item kind and model, each rounded once to the table's scale, and the exact total.
 */
export const auRating = defineKind('au-rating', AuRating, async ({ input, options, expected }, context) => {
  const got = await attempt(async () => {
    const fromLedger = input.records_hex && (await ingestAll(input.records_hex, options, context));
    const items = fromLedger ? fromLedger.items : z.array(ItemSchema).parse(input.items);
    const rating = input.table ? { ...rate(items, PriceTableClaimsSchema.parse(input.table)) } : {};
    return { ...rating, ...(fromLedger ? { ingested: fromLedger.ingested, events: fromLedger.events } : {}) };
  });
  compareOutcome(expected, got);
});

import { snError, utf8 } from '@safety-net/core';
import { compareBytes } from '@safety-net/core/internal';
import { auError } from '../errors.js';
import { ITEM_KINDS, type ItemKind, type Line } from '../messages/accounting-common.js';
import type { Item } from '../messages/consumption.js';
import type { Price, PriceTableClaims } from '../messages/prices.js';
import {
  addDecimal,
  type Decimal,
  divideRounded,
  formatDecimal,
  multiplyDecimal,
  parseDecimal,
  sumDecimals,
  ZERO,
} from './decimal.js';

/** The rated lines of a set of items and their total (spec §8.4), in the table's currency and scale. */
export interface Rating {
  readonly lines: Line[];
  readonly total: string;
  readonly currency: string;
}

/**
 * Token kinds included in another kind's count (OpenTelemetry GenAI conventions): when such a kind has a price of
 * its own it is rated on its own line and subtracted from the including kind; otherwise it stays inside it.
 */
const INCLUDED_IN: Partial<Record<ItemKind, ItemKind>> = {
  'gen_ai.usage.cache_read.input_tokens': 'gen_ai.usage.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens': 'gen_ai.usage.input_tokens',
  'gen_ai.usage.reasoning.output_tokens': 'gen_ai.usage.output_tokens',
};

const keyOf = (kind: ItemKind, model: string | undefined) => JSON.stringify([kind, model ?? null]);

/** The price of `kind` for `model`: one naming the model takes precedence over one without (spec §8.3). */
function priceOf(table: PriceTableClaims, kind: ItemKind, model: string | undefined): Price | undefined {
  return (
    (model === undefined ? undefined : table.prices.find((p) => p.kind === kind && p.model === model)) ??
    table.prices.find((p) => p.kind === kind && p.model === undefined)
  );
}

/** Line order: item kinds in the spec's order, then model names bytewise (no model first). */
function compareLines(a: { kind: ItemKind; model?: string }, b: { kind: ItemKind; model?: string }): number {
  const byKind = ITEM_KINDS.indexOf(a.kind) - ITEM_KINDS.indexOf(b.kind);
  if (byKind !== 0) return byKind;
  if (a.model === b.model) return 0;
  if (a.model === undefined) return -1;
  if (b.model === undefined) return 1;
  return compareBytes(utf8(a.model), utf8(b.model));
}

/**
 * Rates items with a price table (spec §8.4): quantities summed exactly per (kind, model), included token kinds
 * with their own price subtracted from the including kind, each line's amount `sum × price ÷ per` rounded **once**
 * to the table's scale with its rounding, the total the exact sum of the lines. The result does not depend on the
 * order of the items. `ERR_AU_PRICE_MISSING` for an item with no price.
 */
export function rate(items: Iterable<Item>, table: PriceTableClaims): Rating {
  const sums = new Map<string, { kind: ItemKind; model?: string; quantity: Decimal }>();
  const add = (kind: ItemKind, model: string | undefined, quantity: Decimal) => {
    const key = keyOf(kind, model);
    const line = sums.get(key) ?? { kind, ...(model === undefined ? {} : { model }), quantity: ZERO };
    sums.set(key, { ...line, quantity: addDecimal(line.quantity, quantity) });
  };
  for (const item of items) {
    const quantity = parseDecimal(item.quantity);
    const parent = INCLUDED_IN[item.kind];
    if (parent && !priceOf(table, item.kind, item.model)) continue;
    add(item.kind, item.model, quantity);
    if (parent) add(parent, item.model, { units: -quantity.units, scale: quantity.scale });
  }
  const rounding = table.rounding ?? 'half_even';
  const lines = [...sums.values()].sort(compareLines).map((line): Line => {
    if (line.quantity.units < 0n) {
      throw snError('ERR_INPUT_INVALID', `${line.kind} of ${line.model ?? 'no model'} is below its included tokens`);
    }
    const price = priceOf(table, line.kind, line.model);
    if (!price) throw auError('ERR_AU_PRICE_MISSING', `${line.kind}${line.model ? ` of ${line.model}` : ''}`);
    const gross = multiplyDecimal(line.quantity, parseDecimal(price.price));
    const amount = divideRounded(gross, parseDecimal(price.per), table.scale, rounding);
    return {
      kind: line.kind,
      ...(line.model === undefined ? {} : { model: line.model }),
      quantity: formatDecimal(line.quantity),
      amount: formatDecimal(amount, table.scale),
    };
  });
  const total = sumDecimals(lines.map((l) => parseDecimal(l.amount)));
  return { lines, total: formatDecimal(total, table.scale), currency: table.currency };
}

/** Whether two ratings have the same lines and total (decimals compared by value). */
export function sameRating(
  a: { lines: readonly Line[]; total: string },
  b: { lines: readonly Line[]; total: string },
): boolean {
  const norm = (r: { lines: readonly Line[]; total: string }) =>
    JSON.stringify([
      r.lines.map((l) => [
        l.kind,
        l.model ?? null,
        formatDecimal(parseDecimal(l.quantity)),
        formatDecimal(parseDecimal(l.amount)),
      ]),
      formatDecimal(parseDecimal(r.total)),
    ]);
  return norm(a) === norm(b);
}

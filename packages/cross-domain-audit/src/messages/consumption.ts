import { defineMessageType, IdentifierSchema, jsonValue, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';
import { isWhole, parseDecimal } from '../accounting/decimal.js';
import { ItemKindSchema, issue, ModelSchema, NameSchema, PeriodSchema, QuantitySchema } from './accounting-common.js';
import { MESSAGE_LABELS, MessageShape } from './common.js';

/** Most items of one record (spec §8.1). */
export const MAX_RECORD_ITEMS = 64;

/** Item kinds measured in whole units: tokens, bytes and calls (spec §8.1). */
const WHOLE_KINDS = new Set([
  'net_bytes_in',
  'net_bytes_out',
  'api_calls',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.reasoning.output_tokens',
]);

/** One metered quantity (`item`, spec §8.1). */
export const ItemSchema = z
  .object({
    kind: ItemKindSchema,
    quantity: QuantitySchema,
    /** `gen_ai.request.model` (or `gen_ai.response.model` when it differs). */
    model: ModelSchema.optional(),
    /** `gen_ai.provider.name`. */
    provider: z.string().min(1).max(64).optional(),
    /** For `api_calls`: the operation. */
    api: z.string().min(1).max(256).optional(),
  })
  .strict();
/** A metered item. */
export type Item = z.infer<typeof ItemSchema>;

/** Consumption Record claims (spec §8.1). */
export const ConsumptionClaimsSchema = z
  .object({
    ...MessageShape,
    pred: MessageShape.pred.min(1),
    meter: NameSchema,
    consumer: IdentifierSchema,
    agent: IdentifierSchema,
    task: TaskIdSchema,
    period: PeriodSchema,
    items: z.array(ItemSchema).min(1).max(MAX_RECORD_ITEMS),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.period.end > c.iat) issue(ctx, 'period', 'period ends after iat');
    if (c.consumer === c.iss) issue(ctx, 'consumer', 'the consumer is the metering domain');
    const seen = new Set<string>();
    for (const item of c.items) {
      const key = JSON.stringify([item.kind, item.model ?? null, item.api ?? null]);
      if (seen.has(key)) issue(ctx, 'items', `${item.kind} twice for one model`);
      seen.add(key);
      if (WHOLE_KINDS.has(item.kind) && !isWhole(parseDecimal(item.quantity))) {
        issue(ctx, 'items', `${item.kind} is not a whole number`);
      }
    }
  });
/** Consumption Record claims. */
export type ConsumptionClaims = z.infer<typeof ConsumptionClaimsSchema>;

/**
 * The Consumption Record: what a consuming domain's agent used at a metering point, attributed to agent, workflow
 * and ECT (spec §8.1). Signed by the metering domain and countersigned by the consumer, as a COSE_Sign
 * (`signConsumption`, `verifyConsumption`).
 */
export const consumptionRecord = defineMessageType<ConsumptionClaims>({
  name: 'au-consumption',
  description: 'Consumption Record: metered usage signed by the metering domain and countersigned by the consumer',
  dag: { execAct: 'au.consumption' },
  schema: ConsumptionClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    meter: 'meter',
    consumer: 'consumer',
    agent: 'agent',
    task: 'task',
    period: ['period', jsonValue],
    items: ['items', jsonValue],
  },
});

import { snError, toBase64Url } from '@safety-net/core';
import type { ConsumptionClaims, Item } from '../messages/consumption.js';
import { addDecimal, type Decimal, formatDecimal, isWhole, parseDecimal } from './decimal.js';
import { consumptionDigest } from './record.js';

/** Media type of one event in the JSON format, structured mode (CloudEvents JSON format §3). */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
/** Media type of a JSON batch (CloudEvents JSON format §4). */
export const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';
/** The default event `type` (spec §8.2). */
export const CONSUMPTION_EVENT_TYPE = 'safetynet.consumption.v1';
/** Most events in one batch (spec §8.2). */
export const MAX_BATCH_EVENTS = 1000;

/** A CloudEvents 1.0 event as this package exports it (spec §8.2). */
export interface ConsumptionEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: Readonly<Record<string, string | number>>;
  /** Extension attribute: the record's COSE bytes, base64url, so the receiver can verify what it ingests. */
  readonly snrecord: string;
}

/** Options of {@link consumptionEvents}. */
export interface ConsumptionEventOptions {
  /** The event `type` (default `safetynet.consumption.v1`). */
  type?: string;
}

/** A quantity as JSON: an integer below 2^53 as a number, anything else as its decimal text. */
function jsonQuantity(d: Decimal): string | number {
  const text = formatDecimal(d);
  return isWhole(d) && d.units >= 0n && BigInt(text) < 2n ** 53n ? Number(text) : text;
}

/**
 * The CloudEvents of an ingested record (spec §8.2): one per model (items without a model make their own event),
 * `id` the content digest (`<digest>.<n>` when the record splits, `n` counting from 0 in the order the models first
 * appear), `source` `<metering domain>/meters/<meter>`, `subject` the consumer, `time` the period's end.
 */
export function consumptionEvents(
  record: Uint8Array,
  claims: ConsumptionClaims,
  options: ConsumptionEventOptions = {},
): ConsumptionEvent[] {
  const groups = new Map<string | undefined, Item[]>();
  for (const item of claims.items) groups.set(item.model, [...(groups.get(item.model) ?? []), item]);
  const digest = consumptionDigest(claims);
  const time = new Date(claims.period.end * 1000).toISOString().replace('.000Z', 'Z');
  return [...groups.entries()].map(([model, items], n) => {
    const quantities = new Map<string, Decimal>();
    for (const item of items) {
      const before = quantities.get(item.kind);
      const q = parseDecimal(item.quantity);
      quantities.set(item.kind, before ? addDecimal(before, q) : q);
    }
    const provider = items.find((i) => i.provider !== undefined)?.provider;
    const data: Record<string, string | number> = { agent: claims.agent, workflow: claims.wid, task: claims.task };
    if (model !== undefined) data.model = model;
    if (provider !== undefined) data.provider = provider;
    for (const [kind, q] of quantities) data[kind] = jsonQuantity(q);
    return {
      specversion: '1.0',
      id: groups.size === 1 ? digest : `${digest}.${n}`,
      source: `${claims.iss}/meters/${encodeURIComponent(claims.meter)}`,
      type: options.type ?? CONSUMPTION_EVENT_TYPE,
      subject: claims.consumer,
      time,
      datacontenttype: 'application/json',
      data,
      snrecord: toBase64Url(record),
    };
  });
}

/** One event in structured mode: the body of an `application/cloudevents+json` request. */
export function structuredEvent(event: ConsumptionEvent): string {
  return JSON.stringify(event);
}

/** A JSON batch (`application/cloudevents-batch+json`) of at most 1,000 events; more is `ERR_INPUT_TOO_LARGE`. */
export function eventBatch(events: readonly ConsumptionEvent[]): string {
  if (events.length > MAX_BATCH_EVENTS) throw snError('ERR_INPUT_TOO_LARGE', `${events.length} events in one batch`);
  return JSON.stringify(events);
}

import {
  type CborValue,
  type ClaimCodec,
  EpochSecondsSchema,
  fromBase64Url,
  jsonValue,
  snError,
  toBase64Url,
} from '@safety-net/core';
import * as z from 'zod';
import { compareDecimal, parseDecimal, sumDecimals } from '../accounting/decimal.js';
import { DecimalSchema } from './common.js';

/**
 * What a consumption record meters (`item-kind`, spec §8.1). Token usage is named exactly as the OpenTelemetry GenAI
 * semantic conventions name it: cached and reasoning tokens are included in the input and output counts.
 */
export const ITEM_KINDS = [
  'cpu_seconds',
  'net_bytes_in',
  'net_bytes_out',
  'storage_byte_hours',
  'api_calls',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.reasoning.output_tokens',
] as const;
/** An item kind. */
export type ItemKind = (typeof ITEM_KINDS)[number];
/** An item kind (`item-kind`). */
export const ItemKindSchema = z.enum(ITEM_KINDS);

/** A `name` (spec §2): a metering point, a hold id. */
export const NameSchema = z.string().min(1).max(256);
/** A model name (`gen_ai.request.model`). */
export const ModelSchema = z.string().min(1).max(256);
/** A non-negative `decimal`. */
export const QuantitySchema = DecimalSchema.refine((d) => !d.startsWith('-'), 'negative quantity');

/** base64url of a SHA-256 digest: 43 characters, unpadded; a CBOR byte string of 32 bytes. */
export const DigestSchema = z.string().regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'base64url SHA-256 digest');
/** base64url of arbitrary bytes (a COSE message carried as evidence). */
export const BytesSchema = z.string().regex(/^[A-Za-z0-9_-]{1,1400000}$/, 'base64url bytes');

/** A measured period `{start, end}` in seconds, `start ≤ end`. */
export const PeriodSchema = z
  .object({ start: EpochSecondsSchema, end: EpochSecondsSchema })
  .strict()
  .refine((p) => p.start <= p.end, { message: 'period ends before it starts', path: ['end'] });
/** A period. */
export type Period = z.infer<typeof PeriodSchema>;

/** A rated line (statement, settlement receipt): one item kind and model, its quantity and amount. */
export const LineSchema = z
  .object({ kind: ItemKindSchema, model: ModelSchema.optional(), quantity: QuantitySchema, amount: DecimalSchema })
  .strict();
/** A rated line. */
export type Line = z.infer<typeof LineSchema>;

/** Why a party disputes a record (`dispute-reason`, spec §8.5). */
export const DisputeReasonSchema = z.enum([
  'not_countersigned',
  'quantity',
  'price',
  'duplicate',
  'outside_period',
  'missing',
]);
/** A dispute reason. */
export type DisputeReason = z.infer<typeof DisputeReasonSchema>;

/** Adds an issue at `path` to a refinement. */
export function issue(ctx: z.RefinementCtx, path: string, message: string): void {
  ctx.addIssue({ code: 'custom', path: [path], message });
}

/**
 * A codec for claims whose JSON form carries bytes as base64url at known places (`paths`, dotted, `*` for every
 * element of an array) and whose CBOR form carries them as byte strings (spec §2 `digest`). Everything else maps
 * JSON ↔ CBOR as core's `jsonValue` does; the schema checks the result.
 */
export function bytesAt(...paths: string[]): ClaimCodec {
  const split = paths.map((p) => p.split('.'));
  const walk = (value: unknown, rest: string[][], toCbor: boolean): unknown => {
    if (rest.length === 0) return toCbor ? jsonValue.toCbor(value) : jsonValue.fromCbor(value as CborValue);
    if (rest.some((p) => p.length === 0)) return convert(value, toCbor);
    if (Array.isArray(value)) {
      const inner = rest.filter((p) => p[0] === '*').map((p) => p.slice(1));
      return value.map((v) => walk(v, inner, toCbor));
    }
    const isMap = value instanceof Map;
    if (!isMap && (typeof value !== 'object' || value === null || value instanceof Uint8Array)) {
      return walk(value, [], toCbor);
    }
    const entries = isMap ? [...value.entries()] : Object.entries(value);
    const mapped = entries.map(([k, v]) => {
      if (typeof k !== 'string' || k === '__proto__') throw snError('ERR_CLAIMS_INVALID', 'map key is not text');
      return [
        k,
        walk(
          v,
          rest.filter((p) => p[0] === k).map((p) => p.slice(1)),
          toCbor,
        ),
      ] as const;
    });
    return toCbor ? new Map(mapped as [string, CborValue][]) : Object.fromEntries(mapped);
  };
  const convert = (value: unknown, toCbor: boolean): unknown => {
    if (toCbor) return fromBase64Url(value as string);
    if (!(value instanceof Uint8Array)) throw snError('ERR_CLAIMS_INVALID', 'expected a byte string');
    return toBase64Url(value);
  };
  return { toCbor: (v) => walk(v, split, true) as CborValue, fromCbor: (v) => walk(v, split, false) };
}

/** Lines are one per (kind, model), and `total` is their exact sum (statement and settlement receipt, spec §8.5). */
export function checkLines(c: { lines: readonly Line[]; total: string }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const line of c.lines) {
    const key = JSON.stringify([line.kind, line.model ?? null]);
    if (seen.has(key)) issue(ctx, 'lines', `${line.kind} twice for one model`);
    seen.add(key);
  }
  if (compareDecimal(sumDecimals(c.lines.map((l) => parseDecimal(l.amount))), parseDecimal(c.total)) !== 0) {
    issue(ctx, 'total', 'total is not the sum of the lines');
  }
}

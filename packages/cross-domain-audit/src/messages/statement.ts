import {
  base64UrlBytes,
  defineMessageType,
  EpochSecondsSchema,
  IdentifierSchema,
  jsonValue,
  TaskIdSchema,
} from '@safety-net/core';
import * as z from 'zod';
import { checkLines, DigestSchema, issue, LineSchema, PeriodSchema } from './accounting-common.js';
import { CurrencySchema, DecimalSchema, MESSAGE_LABELS, MessageShape } from './common.js';

/** Most records one statement covers (spec §9). */
export const MAX_STATEMENT_RECORDS = 10_000_000;
/** Most lines of a statement or settlement receipt: one per item kind and model. */
export const MAX_LINES = 10_000;

/** Statement claims (spec §8.5). */
export const StatementClaimsSchema = z
  .object({
    ...MessageShape,
    aud: IdentifierSchema,
    period: PeriodSchema,
    prices: TaskIdSchema,
    records_root: DigestSchema,
    count: z.number().int().min(0).max(MAX_STATEMENT_RECORDS),
    lines: z.array(LineSchema).max(MAX_LINES),
    total: DecimalSchema,
    currency: CurrencySchema,
    respond_by: EpochSecondsSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    checkLines(c, ctx);
    if (c.respond_by <= c.iat) issue(ctx, 'respond_by', 'respond_by is not after iat');
  });
/** Statement claims. */
export type StatementClaims = z.infer<typeof StatementClaimsSchema>;

/**
 * The Statement: the providing domain's rated account of a period for one consumer (`aud`), committing to the
 * records it rated by the RFC 9162 root over their content digests (spec §8.5).
 */
export const statement = defineMessageType<StatementClaims>({
  name: 'au-statement',
  description: 'Statement: the rated consumption of a period, committed to by a Merkle root over its records',
  dag: { execAct: 'au.statement' },
  schema: StatementClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    period: ['period', jsonValue],
    prices: 'prices',
    records_root: ['records_root', base64UrlBytes],
    count: 'count',
    lines: ['lines', jsonValue],
    total: 'total',
    currency: 'currency',
    respond_by: 'respond_by',
  },
});

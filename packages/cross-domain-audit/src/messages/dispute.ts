import {
  base64UrlBytes,
  defineMessageType,
  EpochSecondsSchema,
  IdentifierSchema,
  jsonValue,
  TaskIdSchema,
} from '@safety-net/core';
import * as z from 'zod';
import { BytesSchema, bytesAt, DigestSchema, DisputeReasonSchema, issue } from './accounting-common.js';
import { MESSAGE_LABELS, MessageShape } from './common.js';
import { ItemSchema, MAX_RECORD_ITEMS } from './consumption.js';

/** Longest audit path of an inclusion proof (a tree of at most 2^53 leaves). */
const MAX_PATH = 53;

/** What a dispute asks for (spec §8.5). */
export const DisputeClaimSchema = z.enum(['exclude', 'include', 'adjust']);

/** Evidence for a dispute: an inclusion proof under the statement's root, the record itself, its log receipt. */
export const EvidenceSchema = z
  .object({
    inclusion: z
      .object({
        index: EpochSecondsSchema,
        size: EpochSecondsSchema,
        path: z.array(DigestSchema).max(MAX_PATH),
      })
      .strict()
      .optional(),
    record: BytesSchema.optional(),
    receipt: BytesSchema.optional(),
  })
  .strict();
/** Dispute evidence. */
export type Evidence = z.infer<typeof EvidenceSchema>;

/** Dispute claims (spec §8.5). */
export const DisputeClaimsSchema = z
  .object({
    ...MessageShape,
    aud: IdentifierSchema,
    pred: MessageShape.pred.min(1),
    statement: TaskIdSchema,
    record: DigestSchema,
    reason: DisputeReasonSchema,
    claim: DisputeClaimSchema,
    adjusted: z.array(ItemSchema).min(1).max(MAX_RECORD_ITEMS).optional(),
    evidence: EvidenceSchema,
    answer: z
      .object({ to: TaskIdSchema, decision: z.enum(['accept', 'reject']) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.claim === 'adjust') !== (c.adjusted !== undefined)) issue(ctx, 'adjusted', 'adjusted goes with adjust');
    if (c.answer && !c.pred.includes(c.answer.to)) issue(ctx, 'pred', 'an answer names the dispute it answers');
  });
/** Dispute claims. */
export type DisputeClaims = z.infer<typeof DisputeClaimsSchema>;

/**
 * The Dispute: either party's claim about one record of a statement, with the evidence that decides it; the other
 * party answers with a Dispute carrying `answer` (spec §8.5).
 */
export const dispute = defineMessageType<DisputeClaims>({
  name: 'au-dispute',
  description: 'Dispute: a claim about one record of a statement, with evidence, or the answer to one',
  dag: { execAct: 'au.dispute' },
  schema: DisputeClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    statement: 'statement',
    record: ['record', base64UrlBytes],
    reason: 'reason',
    claim: 'claim',
    adjusted: ['adjusted', jsonValue],
    evidence: ['evidence', bytesAt('inclusion.path.*', 'record', 'receipt')],
    answer: ['answer', jsonValue],
  },
});

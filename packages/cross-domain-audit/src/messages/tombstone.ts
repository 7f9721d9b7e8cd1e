import { defineMessageType, EpochSecondsSchema, TaskIdSchema } from '@safety-net/core';
import * as z from 'zod';
import { bytesAt, DigestSchema } from './accounting-common.js';
import { MESSAGE_LABELS, MessageShape } from './common.js';

/** Most leaf indices one tombstone names (spec §7.3). */
export const MAX_TOMBSTONE_ENTRIES = 100_000;
/** Most blinded claim hashes one tombstone names (spec §7.3). */
export const MAX_TOMBSTONE_DIGESTS = 1_000_000;

/** Tombstone claims (spec §7.3). */
export const TombstoneClaimsSchema = z
  .object({
    ...MessageShape,
    reason: z.enum(['erasure', 'retention']),
    entries: z.array(EpochSecondsSchema).min(1).max(MAX_TOMBSTONE_ENTRIES),
    destroyed: z.array(DigestSchema).min(1).max(MAX_TOMBSTONE_DIGESTS),
    request: TaskIdSchema.optional(),
    basis: z.string().min(1).max(256).optional(),
  })
  .strict();
/** Tombstone claims. */
export type TombstoneClaims = z.infer<typeof TombstoneClaimsSchema>;

/**
 * The Tombstone: the log's own record that the disclosures of some entries were destroyed, naming the blinded claim
 * hashes that can no longer be opened and never the subject (spec §7.3).
 */
export const tombstone = defineMessageType<TombstoneClaims>({
  name: 'au-tombstone',
  description: 'Tombstone: disclosures of logged entries destroyed by erasure or retention',
  dag: { execAct: 'au.tombstone' },
  schema: TombstoneClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    reason: 'reason',
    entries: 'entries',
    destroyed: ['destroyed', bytesAt('*')],
    request: 'request',
    basis: 'basis',
  },
});

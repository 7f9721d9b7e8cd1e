import {
  base64UrlBytes,
  defineMessageType,
  EpochSecondsSchema,
  jsonValue,
  Sha256B64uSchema,
  TaskIdSchema,
} from '@safety-net/core';
import * as z from 'zod';
import { expAfterIat, MESSAGE_LABELS, MessageShape, NameSchema, UndoSchema } from './common.js';

/** Checkpoint claims (spec §2.3). */
export const CheckpointClaimsSchema = z
  .object({
    ...MessageShape,
    exp: EpochSecondsSchema.optional(),
    task: TaskIdSchema,
    resource: NameSchema,
    before: Sha256B64uSchema,
    after: Sha256B64uSchema,
    undo: UndoSchema,
    group: NameSchema.optional(),
  })
  .strict()
  .superRefine(expAfterIat);
/** Checkpoint claims. */
export type CheckpointClaims = z.infer<typeof CheckpointClaimsSchema>;

/**
 * The Checkpoint: when an agent completes a task it records the digest of the state it changed, before and after,
 * and how to undo it. The rollback coordinator plans from checkpoints (spec §2.3, §6).
 *
 * @example
 * ```ts
 * const bytes = checkpoint.sign({ ...link, iss: agent, iat, task: ect.jti, resource: 'stock/sku-42',
 *   before, after, undo: { action: 'inventory.restock', params } }, agentKey);
 * ```
 */
export const checkpoint = defineMessageType<CheckpointClaims>({
  name: 'cp-checkpoint',
  description: 'Checkpoint: the state a task changed and how to undo it',
  dag: { execAct: 'cp.checkpoint' },
  schema: CheckpointClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    task: 'task',
    resource: 'resource',
    before: ['before', base64UrlBytes],
    after: ['after', base64UrlBytes],
    undo: ['undo', jsonValue],
    group: 'group',
  },
});

import {
  base64UrlBytes,
  defineMessageType,
  EpochSecondsSchema,
  IdentifierSchema,
  jsonValue,
  Sha256B64uSchema,
  TaskIdSchema,
} from '@safety-net/core';
import * as z from 'zod';
import {
  ActionCallSchema,
  answersSignal,
  checkLifetime,
  DAY_SECONDS,
  issue,
  MESSAGE_LABELS,
  MessageShape,
  SIGNAL_REF_LABELS,
} from './common.js';

/** Hand-off claims (spec §4.7). */
export const HandoffClaimsSchema = z
  .object({
    ...MessageShape,
    pred: MessageShape.pred.min(1),
    exp: EpochSecondsSchema.optional(),
    signal: TaskIdSchema,
    act_digest: Sha256B64uSchema,
    task: TaskIdSchema,
    to: IdentifierSchema,
    state: Sha256B64uSchema,
    state_ref: z.string().min(1).max(2048).optional(),
    pending: z.array(ActionCallSchema).max(100).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkLifetime(c, DAY_SECONDS, ctx);
    if (c.pred[0] !== c.signal) issue(ctx, 'pred', 'pred does not name the takeover signal first');
  });
/** Hand-off claims. */
export type HandoffClaims = z.infer<typeof HandoffClaimsSchema>;

/**
 * The Hand-off: an agent halted by a takeover hands its task, with a digest of its state, to the named human, who
 * continues the task's chain of ECTs under their own identity (spec §4.7).
 */
export const handoff = defineMessageType<HandoffClaims>({
  name: 'ov-handoff',
  description: 'Hand-off: an agent hands a task it was running to the human who took it over',
  dag: answersSignal('ov.handoff'),
  schema: HandoffClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    ...SIGNAL_REF_LABELS,
    task: 'task',
    to: 'to',
    state: ['state', base64UrlBytes],
    state_ref: 'state_ref',
    pending: ['pending', jsonValue],
  },
});

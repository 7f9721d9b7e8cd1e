import {
  defineMessageType,
  EpochSecondsSchema,
  IdentifierSchema,
  jsonValue,
  Sha256B64uSchema,
  TaskIdSchema,
} from '@safety-net/core';
import * as z from 'zod';
import {
  AgentStateSchema,
  answersSignal,
  checkLifetime,
  DAY_SECONDS,
  ErrCodeSchema,
  issue,
  MAX_STATE_ENTRIES,
  MESSAGE_LABELS,
  MessageShape,
  ReasonTextSchema,
  SIGNAL_REF_LABELS,
} from './common.js';

/** An acknowledgement's status (spec §4.3); `received` is the only one that is not final. */
export const AckStatusSchema = z.enum(['received', 'complied', 'declined', 'cannot_comply', 'refused']);
/** An acknowledgement status. */
export type AckStatus = z.infer<typeof AckStatusSchema>;

/** What became of an action that was running when the signal arrived (spec §4.3). */
export const InFlightSchema = z
  .object({
    task: TaskIdSchema,
    exec_act: z.string().min(1).max(256),
    outcome: z.enum(['aborted', 'completed', 'handed_over']),
  })
  .strict();
/** An in-flight entry. */
export type InFlight = z.infer<typeof InFlightSchema>;

/** What a forward to a sub-agent returned (spec §4.3, §7.5). */
export const HopAckSchema = z
  .object({
    agent: IdentifierSchema,
    status: z.enum(['received', 'complied', 'cannot_comply', 'refused', 'no_ack']),
    ack: TaskIdSchema.optional(),
  })
  .strict();
/** A descendant's acknowledgement. */
export type HopAck = z.infer<typeof HopAckSchema>;

/** Acknowledgement claims (spec §4.3). */
export const AcknowledgementClaimsSchema = z
  .object({
    ...MessageShape,
    pred: MessageShape.pred.min(1),
    exp: EpochSecondsSchema.optional(),
    signal: TaskIdSchema,
    act_digest: Sha256B64uSchema,
    status: AckStatusSchema,
    code: ErrCodeSchema.optional(),
    reason: ReasonTextSchema.optional(),
    state: AgentStateSchema,
    halted_at: EpochSecondsSchema.optional(),
    in_flight: z.array(InFlightSchema).max(MAX_STATE_ENTRIES).optional(),
    hop: IdentifierSchema.optional(),
    descendants: z.array(HopAckSchema).max(MAX_STATE_ENTRIES).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkLifetime(c, DAY_SECONDS, ctx);
    if (c.pred[0] !== c.signal) issue(ctx, 'pred', 'pred does not name the signal first');
    const failed = c.status === 'refused' || c.status === 'cannot_comply';
    if (failed !== (c.code !== undefined)) issue(ctx, 'code', 'code goes with refused and cannot_comply only');
    if ((c.status === 'declined' || c.status === 'cannot_comply') && c.reason === undefined)
      issue(ctx, 'reason', `a ${c.status} acknowledgement gives its reason`);
    if (c.halted_at !== undefined && c.status !== 'complied') issue(ctx, 'halted_at', 'halted_at goes with complied');
  });
/** Acknowledgement claims. */
export type AcknowledgementClaims = z.infer<typeof AcknowledgementClaimsSchema>;

/**
 * The Acknowledgement: the agent's signed answer to a signal (spec §4.3). A refusal is itself a signed record, in
 * the DAG beside the signal it refuses.
 */
export const acknowledgement = defineMessageType<AcknowledgementClaims>({
  name: 'ov-ack',
  description: 'Acknowledgement: an agent received, complied with, declined or refused an override signal',
  dag: answersSignal('ov.ack'),
  schema: AcknowledgementClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    ...SIGNAL_REF_LABELS,
    status: 'status',
    code: 'code',
    reason: 'reason',
    state: ['state', jsonValue],
    halted_at: 'halted_at',
    in_flight: ['in_flight', jsonValue],
    hop: 'hop',
    descendants: ['descendants', jsonValue],
  },
});

import { defineMessageType, EpochSecondsSchema, IdentifierSchema, jsonValue } from '@safety-net/core';
import * as z from 'zod';
import { AgentStateSchema, checkLifetime, MESSAGE_LABELS, MessageShape } from './common.js';

/** Longest heartbeat lifetime (spec §4.11), seconds. */
export const MAX_HEARTBEAT_LIFETIME = 300;

/** Heartbeat claims (spec §4.5). */
export const HeartbeatClaimsSchema = z
  .object({
    ...MessageShape,
    aud: IdentifierSchema.optional(),
    exp: EpochSecondsSchema,
    ctl: IdentifierSchema,
    state: AgentStateSchema,
    lapsed_at: EpochSecondsSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => checkLifetime(c, MAX_HEARTBEAT_LIFETIME, ctx));
/** Heartbeat claims. */
export type HeartbeatClaims = z.infer<typeof HeartbeatClaimsSchema>;

/**
 * The Heartbeat: the agent's signed state, sent to renew its lease (spec §4.5). After a lapse it carries
 * `lapsed_at`, so the control plane learns when the agent went to its safe state.
 */
export const heartbeat = defineMessageType<HeartbeatClaims>({
  name: 'ov-heartbeat',
  description: 'Heartbeat: an agent’s signed state, renewing its lease',
  dag: { execAct: 'ov.heartbeat' },
  schema: HeartbeatClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    ctl: 'ctl',
    state: ['state', jsonValue],
    lapsed_at: 'lapsed_at',
  },
});

import { cwtLabels, defineMessageType, EpochSecondsSchema, IdentifierSchema, jsonValue } from '@safety-net/core';
import * as z from 'zod';
import { issue, MESSAGE_LABELS, MessageShape, OrderSchema, PolicyRefSchema } from './common.js';

/** Shortest and longest lease (spec §4.5, §4.11), seconds. */
export const MIN_LEASE_TTL = 5;
export const MAX_LEASE_TTL = 3600;

/** What an agent enters when its lease lapses (spec §9). */
export const SafeStateSchema = z.enum(['pause', 'stop']);
/** A lease's safe state. */
export type SafeState = z.infer<typeof SafeStateSchema>;

/** Lease claims (spec §4.5). */
export const LeaseClaimsSchema = z
  .object({
    ...MessageShape,
    sub: IdentifierSchema,
    exp: EpochSecondsSchema,
    ttl: z.number().int().min(MIN_LEASE_TTL).max(MAX_LEASE_TTL),
    safe_state: SafeStateSchema,
    order: OrderSchema,
    policy: PolicyRefSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.exp !== c.iat + c.ttl) issue(ctx, 'exp', 'exp is not iat + ttl');
  });
/** Lease claims. */
export type LeaseClaims = z.infer<typeof LeaseClaimsSchema>;

/**
 * The Lease: the control plane's permission for an agent to keep working for `ttl` seconds (spec §4.5). An agent
 * whose lease lapses enters its `safe_state` on a local timer, without any network (spec §9).
 */
export const lease = defineMessageType<LeaseClaims>({
  name: 'ov-lease',
  description: 'Lease: an agent may keep working until exp; at the lapse it enters its safe state',
  dag: { execAct: 'ov.lease' },
  schema: LeaseClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    ...cwtLabels('sub'),
    ttl: 'ttl',
    safe_state: 'safe_state',
    order: 'order',
    policy: ['policy', jsonValue],
  },
});

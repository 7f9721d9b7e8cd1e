import { base64UrlBytes, cwtLabels, defineMessageType, jsonValue, Sha256B64uSchema, sha256 } from '@safety-net/core';
import * as z from 'zod';
import {
  type ObservationInput,
  ObservationInputSchema,
  type ParamValue,
  ParamValueSchema,
} from '../monitor/observation-input.js';
import { EpochSecondsSchema, IdentifierSchema } from './common.js';

const input = ObservationInputSchema.shape;

/**
 * Observation claims: what enforcement point `iss` saw agent `sub` do for one action. The action is named by its
 * ECT (`ect_jti`, and `ect_hash`, the SHA-256 of the signed ECT as received) and placed by `wid`, `exec_act`,
 * `pred`; the parameters are committed to one by one (`params_commit`) and may also be given in clear (`params`).
 */
export const ObservationClaimsSchema = z
  .object({
    iss: IdentifierSchema,
    sub: IdentifierSchema,
    iat: EpochSecondsSchema,
    jti: z.string().min(1).max(256),
    ect_jti: input.jti,
    ect_hash: Sha256B64uSchema,
    wid: input.wid,
    exec_act: input.exec_act,
    pred: input.pred,
    time_ms: input.time_ms,
    params: z.record(z.string().min(1).max(128), ParamValueSchema).optional(),
    params_commit: z.record(z.string().min(1).max(128), Sha256B64uSchema),
    outcome: input.outcome,
    latency_ms: input.latency_ms,
    resources: input.resources,
    scopes: input.scopes,
  })
  .strict()
  .superRefine((o, ctx) => {
    if (Object.keys(o.params_commit).length > 256)
      ctx.addIssue({ code: 'custom', path: ['params_commit'], message: 'too many params' });
    for (const name of Object.keys(o.params ?? {})) {
      if (!Object.hasOwn(o.params_commit, name)) {
        ctx.addIssue({ code: 'custom', path: ['params', name], message: 'clear parameter without a commitment' });
      }
    }
  });

/** Observation claims. */
export type ObservationClaims = z.infer<typeof ObservationClaimsSchema>;

/**
 * The Observation message type, signed by the enforcement point that saw the action.
 *
 * @example
 * ```ts
 * const { commitments, disclosures } = commitParams(params);
 * const bytes = observation.sign({ ...claims, params_commit: commitments }, gatewayKey);
 * ```
 */
export const observation = defineMessageType<ObservationClaims>({
  name: 'bv-observation',
  description: 'Observation: what an enforcement point saw for one agent action',
  schema: ObservationClaimsSchema,
  labels: {
    ...cwtLabels('iss', 'sub', 'iat', 'jti'),
    ect_jti: 'ect_jti',
    ect_hash: ['ect_hash', base64UrlBytes],
    wid: 'wid',
    exec_act: 'exec_act',
    pred: 'pred',
    time_ms: 'time_ms',
    params: ['params', jsonValue],
    params_commit: ['params_commit', jsonValue],
    outcome: 'outcome',
    latency_ms: 'latency_ms',
    resources: ['resources', jsonValue],
    scopes: 'scopes',
  },
});

/**
 * The monitor's input for a verified Observation: its clear parameters, plus any opened with `verifyDisclosure`
 * (clear ones win; both were committed to).
 *
 * @example
 * ```ts
 * const verdict = monitor.evaluate(observationInput(result.claims));
 * ```
 */
export function observationInput(
  claims: ObservationClaims,
  disclosed: Readonly<Record<string, ParamValue>> = {},
): ObservationInput {
  return {
    jti: claims.ect_jti,
    wid: claims.wid,
    iss: claims.sub,
    exec_act: claims.exec_act,
    pred: claims.pred,
    time_ms: claims.time_ms,
    params: { ...disclosed, ...claims.params },
    ...(claims.outcome !== undefined ? { outcome: claims.outcome } : {}),
    ...(claims.latency_ms !== undefined ? { latency_ms: claims.latency_ms } : {}),
    ...(claims.resources !== undefined ? { resources: claims.resources } : {}),
    ...(claims.scopes !== undefined ? { scopes: claims.scopes } : {}),
  };
}

/** The digest that commits to one signed Observation in a BET's Merkle tree: SHA-256 of its bytes as signed. */
export function observationDigest(signed: Uint8Array): Uint8Array {
  return sha256(signed);
}

import { isSafetyNetError } from '@safety-net/core';
import * as z from 'zod';
import { bvError } from '../errors.js';
import type { ReadonlyDeep } from '../readonly-deep.js';

/**
 * What the monitor judges: one action as an enforcement point saw it. The ECT places it (`jti`, `wid`, `iss`,
 * `exec_act`, `pred`); the rest is what was observed. The signed Observation message is built around this shape.
 */

/** A parameter value: a number, a decimal string (exact money), any other string, or a boolean. */
export const ParamValueSchema = z.union([z.number().finite(), z.string().max(4096), z.boolean()]);

/** One observed action. */
export const ObservationInputSchema = z
  .object({
    /** The action's ECT task id. */
    jti: z.string().min(1).max(256),
    /** The ECT workflow id. */
    wid: z.string().min(1).max(256),
    /** The acting agent (the ECT issuer). */
    iss: z.string().min(1).max(1024),
    /** The action, as the ECT's `exec_act`. */
    exec_act: z.string().min(1).max(1024),
    /** The ECT's predecessor task ids. */
    pred: z.array(z.string().min(1).max(256)).max(100),
    /** When the enforcement point saw the action, in milliseconds since the epoch. */
    time_ms: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** The action's parameters. */
    params: z.record(z.string().min(1).max(128), ParamValueSchema).default({}),
    /** How the action ended; absent in enforce mode (it has not run yet). */
    outcome: z.enum(['success', 'failure', 'timeout']).optional(),
    /** How long the action took. */
    latency_ms: z.number().finite().nonnegative().optional(),
    /** Resources used, by name (e.g. `cpu_ms`, `llm_tokens`). */
    resources: z.record(z.string().min(1).max(128), z.number().finite().nonnegative()).optional(),
    /** The data-access scopes the action declares. */
    scopes: z.array(z.string().min(1).max(1024)).max(1000).optional(),
  })
  .strict()
  .refine((o) => Object.keys(o.params).length <= 256, 'too many params');

/** An observation as written (`params` may be left out; read-only arrays welcome): what `Monitor.evaluate` takes. */
export type ObservationInputIn = ReadonlyDeep<z.input<typeof ObservationInputSchema>>;
/** One observed action, as the monitor consumes it. */
export type ObservationInput = z.output<typeof ObservationInputSchema>;
/** A parameter value. */
export type ParamValue = z.infer<typeof ParamValueSchema>;

/**
 * Checks untrusted input against {@link ObservationInputSchema}; anything else, including input that throws when
 * read, is `ERR_BV_OBSERVATION_INVALID`.
 */
export function parseObservation(input: unknown): ObservationInput {
  try {
    const result = ObservationInputSchema.safeParse(input);
    if (!result.success)
      throw bvError('ERR_BV_OBSERVATION_INVALID', result.error.issues[0]?.path.join('.') ?? 'schema');
    return result.data;
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw bvError('ERR_BV_OBSERVATION_INVALID', 'observation could not be read');
  }
}

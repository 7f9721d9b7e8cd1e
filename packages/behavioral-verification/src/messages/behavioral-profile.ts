import {
  cwtLabels,
  defineMessageType,
  encodeCbor,
  jsonValue,
  Sha256B64uSchema,
  sha256,
  toBase64Url,
} from '@safety-net/core';
import * as z from 'zod';
import { RulesSchema } from '../rules/schema.js';
import { EpochSecondsSchema, IdentifierSchema } from './common.js';

/**
 * Where the statistical baseline came from. The baseline values themselves (per-parameter mean / standard
 * deviation, rates as inter-action intervals, action frequencies) live in `rules.drift`, where the monitor reads
 * them; this records the sample they were measured on, so a reviewer can judge them.
 */
export const BaselineProvenanceSchema = z
  .object({
    /** Observations the baseline was measured on. */
    samples: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    /** The measurement period, seconds since the epoch. */
    from: EpochSecondsSchema,
    to: EpochSecondsSchema,
    /** Digest of the data set or Performance Profile the baseline was taken from, if any. */
    source: z.optional(Sha256B64uSchema),
  })
  .strict()
  .refine((b) => b.from <= b.to, { message: 'baseline period ends before it starts', path: ['to'] });

/**
 * Behavioral Profile claims: the operator (`iss`) declares how its agent (`sub`) may behave from `nbf` (or `iat`)
 * until `exp`. `pid` + `ver` name the profile for people; the profile digest names it exactly.
 */
export const BehavioralProfileClaimsSchema = z
  .object({
    iss: IdentifierSchema,
    sub: IdentifierSchema,
    iat: EpochSecondsSchema,
    nbf: EpochSecondsSchema.optional(),
    exp: EpochSecondsSchema,
    pid: z.string().min(1).max(256),
    ver: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    rules: RulesSchema,
    baseline: BaselineProvenanceSchema.optional(),
  })
  .strict()
  .refine((p) => (p.nbf ?? p.iat) < p.exp, { message: 'validity period is empty', path: ['exp'] });

/** Behavioral Profile claims, defaults of the rules filled in. */
export type BehavioralProfileClaims = z.output<typeof BehavioralProfileClaimsSchema>;
/** Behavioral Profile claims as written (rule defaults may be left out). */
export type BehavioralProfileInput = z.input<typeof BehavioralProfileClaimsSchema>;

/**
 * The Behavioral Profile message type, signed by the agent's operator. Build claims with
 * `behavioralProfile.parse(input)` so that the rule defaults are filled in.
 *
 * @example
 * ```ts
 * const claims = behavioralProfile.parse({ iss: 'operator', sub: 'agent', iat, exp, pid: 'trading', ver: 3, rules });
 * const bytes = behavioralProfile.sign(claims, operatorKey);
 * const digest = profileDigest(claims); // what evidence names
 * ```
 */
export const behavioralProfile = defineMessageType<BehavioralProfileClaims>({
  name: 'bv-profile',
  description: 'Behavioral Profile: the behaviour an operator declares for its agent',
  schema: BehavioralProfileClaimsSchema,
  labels: {
    ...cwtLabels('iss', 'sub', 'exp', 'nbf', 'iat'),
    pid: 'pid',
    ver: 'ver',
    rules: ['rules', jsonValue],
    baseline: ['baseline', jsonValue],
  },
});

/**
 * The profile digest: SHA-256 of the deterministic CBOR claims map of the profile (after its defaults are filled
 * in), unpadded base64url. This equals the digest of a signed profile's payload, so evidence can name exactly the
 * profile it was judged against whichever form the profile travelled in.
 *
 * @example
 * ```ts
 * const result = behavioralProfile.verify(bytes, { key: operatorKeys });
 * if (result.ok) expectedDigest = profileDigest(result.claims);
 * ```
 */
export function profileDigest(profile: BehavioralProfileInput | BehavioralProfileClaims): string {
  const claims = behavioralProfile.parse(profile);
  return toBase64Url(sha256(encodeCbor(behavioralProfile.toCbor(claims))));
}

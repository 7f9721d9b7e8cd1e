import * as z from 'zod';

/** base64url of a SHA-256 digest: 43 characters, unpadded (ECT -01 `inp_hash` / `out_hash`). */
export const Sha256B64uSchema = z.string().regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'base64url SHA-256 digest');

/** Policy decisions of the ect-policy-compensation companion (`ect_ext.pol_decision`). */
export const PolicyDecisionSchema = z.enum(['approved', 'rejected', 'pending_human_review']);

/**
 * ECT claims, with the -01 claim names (`pred`, `ect_ext`). Times are whole seconds since the epoch.
 * `jti` is the task id (a UUID in the reference implementations; any non-empty string is accepted).
 */
export const EctClaimsSchema = z
  .object({
    iss: z.string().min(1),
    aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    iat: z.number().int().nonnegative(),
    exp: z.number().int().nonnegative(),
    nbf: z.number().int().nonnegative().optional(),
    jti: z.string().min(1).max(256),
    wid: z.string().min(1).max(256),
    exec_act: z.string().min(1).max(1024),
    pred: z.array(z.string().min(1).max(256)),
    inp_hash: Sha256B64uSchema.optional(),
    out_hash: Sha256B64uSchema.optional(),
    ect_ext: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** The claims of an Execution Context Token. */
export type EctClaims = z.infer<typeof EctClaimsSchema>;

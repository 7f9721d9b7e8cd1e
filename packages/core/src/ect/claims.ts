// zod's functional form: a browser bundle that signs and verifies ECTs carries only the checks it uses, not every
// method of every schema class (classic zod cannot be tree-shaken).
import * as z from 'zod/mini';

/** base64url of a SHA-256 digest: 43 characters, unpadded (ECT -01 `inp_hash` / `out_hash`). */
export const Sha256B64uSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'base64url SHA-256 digest'));

/** Policy decisions of the ect-policy-compensation companion (`ect_ext.pol_decision`). */
export const PolicyDecisionSchema = z.enum(['approved', 'rejected', 'pending_human_review']);

const text = (max?: number) =>
  z.string().check(...(max === undefined ? [z.minLength(1)] : [z.minLength(1), z.maxLength(max)]));
const seconds = () => z.number().check(z.int(), z.nonnegative());

/**
 * ECT claims, with the -01 claim names (`pred`, `ect_ext`). Times are whole seconds since the epoch.
 * `jti` is the task id (a UUID in the reference implementations; any non-empty string is accepted).
 */
export const EctClaimsSchema = z.strictObject({
  iss: text(),
  aud: z.union([text(), z.array(text()).check(z.minLength(1))]),
  iat: seconds(),
  exp: seconds(),
  nbf: z.optional(seconds()),
  jti: text(256),
  wid: text(256),
  exec_act: text(1024),
  pred: z.array(text(256)),
  inp_hash: z.optional(Sha256B64uSchema),
  out_hash: z.optional(Sha256B64uSchema),
  ect_ext: z.optional(z.record(z.string(), z.unknown())),
});

/** The claims of an Execution Context Token. */
export type EctClaims = z.infer<typeof EctClaimsSchema>;

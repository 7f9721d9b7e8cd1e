import * as z from 'zod';
import { Hex, KeySelection, Label } from '../format.js';

/** Options shared by the generic COSE verification kinds (`core.md` §4.5). */
export const CoseVerifyOptions = {
  external_aad_hex: Hex.optional(),
  tag: z.enum(['any', 'tagged', 'untagged']).optional(),
  profile: z.boolean().optional(),
  understood_crit: z.array(Label).optional(),
};

/** The `cose-sign1-verify` options. */
export const CoseSign1VerifyOptions = z
  .object({ ...KeySelection, ...CoseVerifyOptions, require_protected_alg: z.boolean().optional() })
  .strict();

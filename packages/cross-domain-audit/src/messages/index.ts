import type { AnyMessageType } from '@safety-net/core';
import { forkEvidence } from '../fork/fork-evidence.js';
import { eat } from './eat.js';

export { CurrencySchema, DecimalSchema, OriginSchema } from './common.js';
export {
  EAT_LABELS,
  EAT_VCT,
  type EatClaims,
  EatClaimsSchema,
  type EatDisclosedClaims,
  EatDisclosedClaimsSchema,
  eat,
} from './eat.js';

/** Every message type of this package (spec §2), for registries and the `safety-net` command. */
export const AUDIT_MESSAGE_TYPES: readonly AnyMessageType[] = [eat, forkEvidence];

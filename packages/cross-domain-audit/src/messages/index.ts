import type { AnyMessageType } from '@safety-net/core';
import { forkEvidence } from '../fork/fork-evidence.js';

export { CurrencySchema, DecimalSchema, OriginSchema } from './common.js';

/** Every message type of this package (spec §2), for registries and the `safety-net` command. */
export const AUDIT_MESSAGE_TYPES: readonly AnyMessageType[] = [forkEvidence];

import { base64UrlBytes, defineMessageType, EpochSecondsSchema, IdentifierSchema } from '@safety-net/core';
import * as z from 'zod';
import { Base64UrlTextSchema } from './bytes-members.js';
import { MESSAGE_LABELS, MessageShape, ReasonTextSchema } from './common.js';

/** Key Revocation claims (spec §4.9): no `exp`, a revocation is permanent. */
export const KeyRevocationClaimsSchema = z
  .object({
    ...MessageShape,
    subject: IdentifierSchema,
    kid: Base64UrlTextSchema,
    revoked_at: EpochSecondsSchema,
    reason: ReasonTextSchema,
  })
  .strict();
/** Key Revocation claims. */
export type KeyRevocationClaims = z.infer<typeof KeyRevocationClaimsSchema>;

/**
 * The Key Revocation: messages signed with the key at or after `revoked_at` are refused (`ERR_OV_KEY_REVOKED`),
 * and lifting signals of that key whatever their `iat` (spec §4.9, §5.5).
 */
export const keyRevocation = defineMessageType<KeyRevocationClaims>({
  name: 'ov-revocation',
  description: 'Key Revocation: an operator or agent key is revoked from a time on',
  dag: { execAct: 'ov.revocation' },
  schema: KeyRevocationClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    subject: 'subject',
    kid: ['kid', base64UrlBytes],
    revoked_at: 'revoked_at',
    reason: 'reason',
  },
});

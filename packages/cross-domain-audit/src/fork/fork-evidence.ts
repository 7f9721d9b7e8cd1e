import {
  type ClaimCodec,
  defineMessageType,
  fromBase64Url,
  Sha256B64uSchema,
  snError,
  toBase64Url,
} from '@safety-net/core';
import * as z from 'zod';
import { MESSAGE_LABELS, MessageShape, OriginSchema } from '../messages/common.js';
import { MAX_NOTE_BYTES } from '../note/note.js';

/** Most hashes in `inconsistent` evidence: the prefix root and a consistency proof of at most 63 hashes. */
const MAX_FORK_HASHES = 64;

/** A list of hashes: base64url text in the JSON form, byte strings in CBOR. */
const hashList: ClaimCodec = {
  toCbor: (list) => (list as string[]).map(fromBase64Url),
  fromCbor: (list) => {
    if (!Array.isArray(list) || !list.every((h) => h instanceof Uint8Array)) {
      throw snError('ERR_CLAIMS_INVALID', 'expected an array of byte strings');
    }
    return list.map((h) => toBase64Url(h as Uint8Array));
  },
};

/** Fork Evidence claims (spec §5.8). */
export const ForkEvidenceClaimsSchema = z
  .object({
    ...MessageShape,
    origin: OriginSchema,
    kind: z.enum(['same_size', 'inconsistent']),
    a: z.string().min(1).max(MAX_NOTE_BYTES),
    b: z.string().min(1).max(MAX_NOTE_BYTES),
    hashes: z.array(Sha256B64uSchema).min(1).max(MAX_FORK_HASHES).optional(),
  })
  .strict()
  .refine((c) => (c.kind === 'inconsistent') === (c.hashes !== undefined), {
    path: ['hashes'],
    message: 'inconsistent evidence carries the prefix root and its proof; same_size evidence carries none',
  });
/** Fork Evidence claims. */
export type ForkEvidenceClaims = z.infer<typeof ForkEvidenceClaimsSchema>;

/**
 * Fork Evidence: two checkpoints signed by one log that cannot both be true, signed by whoever found them (spec
 * §5.8). Anyone holding the log's key checks it offline with `verifyForkEvidence`.
 */
export const forkEvidence = defineMessageType<ForkEvidenceClaims>({
  name: 'au-fork',
  description: 'Fork Evidence: two checkpoints of one log that cannot both be true',
  dag: { execAct: 'au.fork' },
  schema: ForkEvidenceClaimsSchema,
  labels: { ...MESSAGE_LABELS, origin: 'origin', kind: 'kind', a: 'a', b: 'b', hashes: ['hashes', hashList] },
});

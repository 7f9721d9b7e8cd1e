import { type Clock, type CryptoBackend, epochSeconds, systemClock } from '@safety-net/core';
import * as z from 'zod';
import { parseCheckpoint } from '../checkpoint/checkpoint-text.js';
import type { VerifiedCheckpoint } from '../checkpoint/verify.js';
import { logVerifiers } from '../checkpoint/verify.js';
import { auError } from '../errors.js';
import { OriginSchema } from '../messages/common.js';
import { COSIGNATURE_V1, keyLabel, NOTE_ED25519, parseVerifierKey } from '../note/keys.js';
import { parseNote } from '../note/note.js';
import { checkNoteSignatures } from '../note/open.js';

/** Default freshness of counted cosignatures, seconds (spec §5.3, §9). */
export const DEFAULT_COSIGNATURE_MAX_AGE = 86_400;
/** Clock skew allowed for a cosignature's timestamp, seconds (spec §9). */
export const COSIGNATURE_SKEW = 30;

/** A witness policy (spec §5.3): the log's keys, the witnesses' keys, how many must cosign, how fresh. */
export const WitnessPolicySchema = z
  .object({
    log: z.object({ origin: OriginSchema, keys: z.array(z.string()).min(1).max(4) }).strict(),
    witnesses: z
      .array(z.object({ name: z.string().min(1).max(256), key: z.string() }).strict())
      .min(1)
      .max(64),
    quorum: z.number().int().nonnegative(),
    max_age: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();
/** A witness policy. */
export type WitnessPolicy = z.infer<typeof WitnessPolicySchema>;

/** Options of {@link verifyCosigned}. */
export interface VerifyCosignedOptions {
  /** Default: the system clock. */
  readonly clock?: Clock;
  readonly backend?: CryptoBackend;
}

/** A checkpoint that meets a witness policy, with the witnesses whose cosignatures were counted. */
export interface CosignedCheckpoint extends Omit<VerifiedCheckpoint, 'note'> {
  readonly witnesses: readonly { readonly name: string; readonly timestamp: number }[];
}

function compile(policy: WitnessPolicy) {
  const parsed = WitnessPolicySchema.safeParse(policy);
  if (!parsed.success) throw auError('ERR_AU_CONFIG_INVALID', `witness policy: ${parsed.error.issues[0]?.message}`);
  const p = parsed.data;
  const log = logVerifiers(p.log.keys);
  const witnesses = p.witnesses.map((w) => {
    const v = parseVerifierKey(w.key);
    if (v.type !== COSIGNATURE_V1 || v.name !== w.name) {
      throw auError('ERR_AU_CONFIG_INVALID', `witness ${w.name}: a cosignature/v1 key (type 0x04) of that name`);
    }
    return v;
  });
  if (new Set(witnesses.map(keyLabel)).size !== witnesses.length || p.quorum > witnesses.length) {
    throw auError('ERR_AU_CONFIG_INVALID', 'witness policy: a witness twice, or a quorum above the witness count');
  }
  return { p, log, witnesses };
}

/** Checks a policy alone, as a verifier's options are checked up front: `ERR_AU_CONFIG_INVALID` as §5.3 says. */
export function checkWitnessPolicy(policy: WitnessPolicy): void {
  compile(policy);
}

/**
 * Checks a checkpoint against a witness policy (spec §5.3): the log's signature (`verifyCheckpoint`'s errors and
 * `ERR_AU_ORIGIN_MISMATCH`), then at least `quorum` distinct witnesses whose cosignatures verify with timestamps
 * between now − `max_age` and now + 30 s (`ERR_AU_COSIGNATURE_QUORUM` otherwise). A signature by any configured
 * key that fails is `ERR_AU_NOTE_BAD_SIGNATURE`.
 *
 * @example
 * ```ts
 * const { size, rootHash, witnesses } = verifyCosigned(note, policy, { clock });
 * ```
 */
export function verifyCosigned(
  note: string | Uint8Array,
  policy: WitnessPolicy,
  options: VerifyCosignedOptions = {},
): CosignedCheckpoint {
  const { p, log, witnesses } = compile(policy);
  const now = epochSeconds(options.clock ?? systemClock);
  const opened = checkNoteSignatures(parseNote(note), [...log, ...witnesses], options);
  if (!opened.verified.some((s) => s.type === NOTE_ED25519)) {
    throw auError('ERR_AU_NOTE_UNVERIFIED', 'no signature by the log');
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== p.log.origin) {
    throw auError('ERR_AU_ORIGIN_MISMATCH', `${checkpoint.origin} is not ${p.log.origin}`);
  }
  const oldest = now - (p.max_age ?? DEFAULT_COSIGNATURE_MAX_AGE);
  const counted = opened.verified
    .filter((s) => s.type === COSIGNATURE_V1 && s.timestamp >= oldest && s.timestamp <= now + COSIGNATURE_SKEW)
    .map((s) => ({ name: s.name, timestamp: s.timestamp }));
  if (counted.length < p.quorum) {
    throw auError('ERR_AU_COSIGNATURE_QUORUM', `${counted.length} of the ${p.quorum} cosignatures required`);
  }
  return { ...checkpoint, witnesses: counted };
}

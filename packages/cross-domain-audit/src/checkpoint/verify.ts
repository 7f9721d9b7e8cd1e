import { auError } from '../errors.js';
import { NOTE_ED25519, type NoteVerifier, parseVerifierKey } from '../note/keys.js';
import { type OpenedNote, type OpenNoteOptions, openNote } from '../note/open.js';
import { type Checkpoint, parseCheckpoint } from './checkpoint-text.js';

/** Options of {@link verifyCheckpoint}. */
export interface VerifyCheckpointOptions extends OpenNoteOptions {
  /** The origin the checkpoint must carry (`ERR_AU_ORIGIN_MISMATCH` otherwise). */
  readonly origin: string;
}

/** A verified checkpoint: the tree head, and the note it came from (for its cosignatures). */
export interface VerifiedCheckpoint extends Checkpoint {
  readonly note: OpenedNote;
}

/** Log keys only: a witness's cosigning key (type 0x04) never stands in for the log's signature. */
export function logVerifiers(keys: readonly (NoteVerifier | string)[]): NoteVerifier[] {
  const parsed = keys.map((k) => (typeof k === 'string' ? parseVerifierKey(k) : k));
  if (parsed.length === 0 || parsed.some((k) => k.type !== NOTE_ED25519)) {
    throw auError('ERR_AU_CONFIG_INVALID', 'a log is verified with one or more Ed25519 note keys (type 0x01)');
  }
  return parsed;
}

/**
 * Verifies a checkpoint (spec §5.2): the note's signatures against the log's keys (`openNote`'s errors), then its
 * text as a checkpoint (`ERR_AU_CHECKPOINT_MALFORMED`), then its origin (`ERR_AU_ORIGIN_MISMATCH`). Other
 * signature lines (cosignatures) are left for the witness policy.
 *
 * @example
 * ```ts
 * const { size, rootHash } = verifyCheckpoint(note, [logVkey], { origin: 'hospital.example/audit/main' });
 * ```
 */
export function verifyCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly (NoteVerifier | string)[],
  options: VerifyCheckpointOptions,
): VerifiedCheckpoint {
  const opened = openNote(note, logVerifiers(verifiers), options);
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== options.origin) {
    throw auError('ERR_AU_ORIGIN_MISMATCH', `${checkpoint.origin} is not ${options.origin}`);
  }
  return { ...checkpoint, note: opened };
}

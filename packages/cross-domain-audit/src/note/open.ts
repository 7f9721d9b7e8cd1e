import type { CryptoBackend } from '@safety-net/core';
import { auError } from '../errors.js';
import { keyLabel, type NoteSignatureType, type NoteVerifier, parseVerifierKey } from './keys.js';
import { type Note, type NoteSignature, parseNote } from './note.js';
import { verifySignatureOver } from './signature-types.js';

/** A signature that verified, with the verifier that checked it. */
export interface VerifiedSignature {
  readonly name: string;
  readonly keyId: number;
  readonly type: NoteSignatureType;
  /** A cosignature's timestamp (seconds); 0 for a log's signature. */
  readonly timestamp: number;
}

/** A note whose signatures were checked. */
export interface OpenedNote {
  readonly text: string;
  /** Every known key that signed, once, in the order of the note's lines. */
  readonly verified: readonly VerifiedSignature[];
  /** Signatures by keys not among the verifiers, ignored. */
  readonly unverified: readonly NoteSignature[];
}

/** Options of {@link openNote}. */
export interface OpenNoteOptions {
  readonly backend?: CryptoBackend;
}

/** Verifiers by `name+keyid`; two different keys under one name and key ID make the set ambiguous. */
export function verifierIndex(verifiers: readonly (NoteVerifier | string)[]): Map<string, NoteVerifier> {
  const index = new Map<string, NoteVerifier>();
  for (const v of verifiers.map((k) => (typeof k === 'string' ? parseVerifierKey(k) : k))) {
    const label = keyLabel(v);
    const held = index.get(label);
    if (held && (held.type !== v.type || held.key.x.some((b, i) => b !== v.key.x[i]))) {
      throw auError('ERR_AU_CONFIG_INVALID', `two verifier keys are both ${label}`);
    }
    index.set(label, v);
  }
  return index;
}

/**
 * Checks the signatures of a parsed note against `verifiers`: unknown keys are set aside, a known key whose
 * signature fails is `ERR_AU_NOTE_BAD_SIGNATURE`, a key that signs twice counts once. No verified signature is not
 * an error here (a witness policy may need only the log's); {@link openNote} makes it one.
 */
export function checkNoteSignatures(
  note: Note,
  verifiers: readonly (NoteVerifier | string)[],
  options: OpenNoteOptions = {},
): OpenedNote {
  const index = verifierIndex(verifiers);
  const verified: VerifiedSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const s of note.signatures) {
    const label = keyLabel(s);
    const verifier = index.get(label);
    if (!verifier) {
      unverified.push(s);
      continue;
    }
    const timestamp = verifySignatureOver(verifier, note.text, s.signature, options.backend);
    if (timestamp === undefined) throw auError('ERR_AU_NOTE_BAD_SIGNATURE', label);
    if (seen.has(label)) continue;
    seen.add(label);
    verified.push({ name: s.name, keyId: s.keyId, type: verifier.type, timestamp });
  }
  return { text: note.text, verified, unverified };
}

/**
 * Parses a signed note and checks its signatures against `verifiers` (key strings or parsed keys), as spec §5.2
 * says: signatures by unknown keys are ignored; a signature by a known key (same name and key ID) that does not
 * verify is `ERR_AU_NOTE_BAD_SIGNATURE` for the whole note; no verified signature is `ERR_AU_NOTE_UNVERIFIED`; a
 * note that breaks the syntax or the limits is `ERR_AU_NOTE_MALFORMED`. A key that signs twice counts once.
 *
 * @example
 * ```ts
 * const { text, verified } = openNote(note, ['PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW']);
 * ```
 */
export function openNote(
  input: string | Uint8Array,
  verifiers: readonly (NoteVerifier | string)[],
  options: OpenNoteOptions = {},
): OpenedNote {
  const opened = checkNoteSignatures(parseNote(input), verifiers, options);
  if (opened.verified.length === 0) throw auError('ERR_AU_NOTE_UNVERIFIED', 'no signature by a known key');
  return opened;
}

import { type CryptoBackend, snError } from '@safety-net/core';
import { COSIGNATURE_V1, keyLabel, type NoteSigner } from './keys.js';
import { checkNoteText, formatNote, type NoteSignature, parseNote, signatureLine } from './note.js';
import { signatureOver } from './signature-types.js';

/** Options of {@link signNote}. */
export interface SignNoteOptions {
  /** Seconds since the epoch written into cosignatures (signers of type 0x04); required by those. */
  readonly timestamp?: number;
  readonly backend?: CryptoBackend;
}

function signatureBy(signer: NoteSigner, text: string, options: SignNoteOptions): NoteSignature {
  const timestamp = options.timestamp ?? 0;
  if (signer.type === COSIGNATURE_V1 && !(Number.isSafeInteger(options.timestamp) && timestamp >= 0)) {
    throw snError('ERR_INPUT_INVALID', 'a cosignature needs a timestamp in whole seconds');
  }
  return { name: signer.name, keyId: signer.keyId, signature: signatureOver(signer, text, timestamp, options.backend) };
}

/**
 * Signs `text` with each signer and returns the note (C2SP `signed-note`). As Go's `note.Sign`, signing an
 * already signed note (`text` is then the whole note) keeps its other signatures and replaces those of the same
 * keys. Ed25519 signatures are deterministic: the same key and text give the same note.
 */
export function signNote(textOrNote: string, signers: readonly NoteSigner[], options: SignNoteOptions = {}): string {
  const existing = textOrNote.includes('\n\n') ? parseNote(textOrNote) : { text: textOrNote, signatures: [] };
  checkNoteText(existing.text);
  const mine = new Set(signers.map(keyLabel));
  const kept = existing.signatures.filter((s) => !mine.has(keyLabel(s)));
  return formatNote({
    text: existing.text,
    signatures: [...kept, ...signers.map((s) => signatureBy(s, existing.text, options))],
  });
}

/** One signature line (without its newline) of `text` by `signer`: what a witness answers. */
export function signatureLineOf(signer: NoteSigner, text: string, options: SignNoteOptions = {}): string {
  checkNoteText(text);
  return signatureLine(signatureBy(signer, text, options));
}

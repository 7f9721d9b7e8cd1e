export { fromStdBase64, toStdBase64 } from './base64.js';
export {
  COSIGNATURE_V1,
  formatSignerKey,
  formatVerifierKey,
  isKeyName,
  NOTE_ED25519,
  type NoteSignatureType,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  noteSigner,
  noteVerifierOf,
  parseSignerKey,
  parseVerifierKey,
} from './keys.js';
export {
  formatNote,
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  type Note,
  type NoteSignature,
  parseNote,
  parseSignatureLine,
  signatureLine,
} from './note.js';
export {
  checkNoteSignatures,
  type OpenedNote,
  type OpenNoteOptions,
  openNote,
  type VerifiedSignature,
} from './open.js';
export { type SignNoteOptions, signatureLineOf, signNote } from './sign.js';
export { cosignatureMessage } from './signature-types.js';

import { fromUtf8, utf8 } from '@safety-net/core';
import { auError } from '../errors.js';
import { fromStdBase64, toStdBase64 } from './base64.js';
import { isKeyName } from './keys.js';

/** Largest signed note, bytes (spec §9). */
export const MAX_NOTE_BYTES = 65_536;
/** Most signature lines in a note (spec §9). */
export const MAX_NOTE_SIGNATURES = 32;

/** One signature line of a note: `— <name> <base64(key ID || signature)>`. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  readonly signature: Uint8Array;
}

/** A signed note: its text (non-empty lines, each ending in a newline) and its signature lines, in order. */
export interface Note {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

const EM_DASH = '\u2014';
const malformed = (why: string) => auError('ERR_AU_NOTE_MALFORMED', why);

/**
 * Checks the text of a note (C2SP `signed-note`): at least one line, every line non-empty and ending in a newline,
 * no control character but the newline. `ERR_AU_NOTE_MALFORMED` otherwise.
 */
export function checkNoteText(text: string): void {
  if (text.length === 0 || !text.endsWith('\n') || text.startsWith('\n') || text.includes('\n\n')) {
    throw malformed('the text is not one or more non-empty lines, each ending in a newline');
  }
  // Control characters but the newline, lone surrogates, and U+FFFD (what a decoder makes of bytes not UTF-8).
  if (/(?!\n)[\p{Cc}\p{Cs}\ufffd]/u.test(text)) {
    throw malformed('the text holds a control character or is not UTF-8');
  }
}

/** The signature line of a signature, without its newline. */
export function signatureLine(s: NoteSignature): string {
  const bytes = new Uint8Array(4 + s.signature.length);
  new DataView(bytes.buffer).setUint32(0, s.keyId);
  bytes.set(s.signature, 4);
  return `${EM_DASH} ${s.name} ${toStdBase64(bytes)}`;
}

/** Reads one signature line (without its newline); `ERR_AU_NOTE_MALFORMED` unless exactly `— name base64`. */
export function parseSignatureLine(line: string): NoteSignature {
  const fields = line.split(' ');
  if (fields.length !== 3 || fields[0] !== EM_DASH || !isKeyName(fields[1]!)) {
    throw malformed('a signature line is not "— <name> <base64>"');
  }
  const bytes = fromStdBase64(fields[2]!);
  if (!bytes || bytes.length < 5) throw malformed('a signature is not base64 of a key ID and a signature');
  return {
    name: fields[1]!,
    keyId: new DataView(bytes.buffer, bytes.byteOffset).getUint32(0),
    signature: bytes.slice(4),
  };
}

/**
 * Parses a signed note strictly (spec §5.2): valid UTF-8, at most 64 KiB and 32 signatures, the text (one or more
 * non-empty lines, each ending in a newline, no control character but the newline), an empty line, then one or more
 * signature lines each ending in a newline.
 * Signatures are not checked here (see `openNote`). `ERR_AU_NOTE_MALFORMED` for anything else.
 */
export function parseNote(input: string | Uint8Array): Note {
  // A string has at least as many UTF-8 bytes as UTF-16 units: a long one is refused before it is encoded.
  const size =
    typeof input === 'string' ? (input.length > MAX_NOTE_BYTES ? input.length : utf8(input).length) : input.length;
  if (size > MAX_NOTE_BYTES) throw malformed(`over ${MAX_NOTE_BYTES} bytes`);
  let message: string;
  try {
    message = typeof input === 'string' ? input : fromUtf8(input);
  } catch {
    throw malformed('not UTF-8');
  }
  // As Go's note.Open: the text ends at the last blank line, so the signature block holds no blank line.
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no empty line before the signatures');
  const text = message.slice(0, split + 1);
  checkNoteText(text);
  const block = message.slice(split + 2);
  if (!block.endsWith('\n')) throw malformed('no signature line, or the last one does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

/** The note's bytes as text: its text, an empty line, and one line per signature. */
export function formatNote(note: Note): string {
  checkNoteText(note.text);
  if (note.signatures.length === 0 || note.signatures.length > MAX_NOTE_SIGNATURES) {
    throw malformed(`a note has 1 to ${MAX_NOTE_SIGNATURES} signatures`);
  }
  return `${note.text}\n${note.signatures.map((s) => `${signatureLine(s)}\n`).join('')}`;
}

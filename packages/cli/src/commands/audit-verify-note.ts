import { fromUtf8, snError } from '@safety-net/core';
import {
  NOTE_ED25519,
  openNote,
  parseVerifierKey,
  type VerifiedSignature,
  verifyCheckpoint,
} from '@safety-net/cross-domain-audit';
import { parseCommand } from '../args.js';
import { readBytes } from '../inputs.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage.js';

const OPTIONS = { key: { type: 'string', multiple: true }, origin: { type: 'string' } } as const;

/** The largest note read: the package's own limit is checked again when the note is parsed. */
const MAX_NOTE_FILE_BYTES = 1_048_576;

function signerLine(s: VerifiedSignature): string {
  const id = s.keyId.toString(16).padStart(8, '0');
  return s.timestamp === 0 ? `verified: ${s.name}+${id}` : `verified: ${s.name}+${id} at ${s.timestamp}`;
}

/**
 * `safety-net audit verify-note`: a C2SP signed note against verifier keys (`name+hash+key`); with `--origin`, a
 * checkpoint of that log, signed by one of the log keys given (witness keys among them check cosignatures). Prints
 * the text, then one line per key that verified.
 */
export async function verifyNoteCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseCommand('audit verify-note', args, OPTIONS, { min: 1, max: 1 });
  const keys = flags.key ?? [];
  if (keys.length === 0) throw new UsageError('audit verify-note: --key is required');
  const bytes = readBytes(io, positionals[0]!, MAX_NOTE_FILE_BYTES);
  let text: string;
  try {
    text = fromUtf8(bytes);
  } catch {
    throw snError('ERR_INPUT_INVALID', `${positionals[0]} is not UTF-8`);
  }
  const verifiers = keys.map(parseVerifierKey);
  // Every key's signature is checked (a witness's cosignature too); a checkpoint must also verify by a log key.
  const opened = openNote(text, verifiers);
  if (flags.origin !== undefined) {
    const logKeys = verifiers.filter((v) => v.type === NOTE_ED25519);
    verifyCheckpoint(text, logKeys, { origin: flags.origin });
  }
  io.stdout(opened.text.replace(/\n$/, ''));
  for (const s of opened.verified) io.stdout(signerLine(s));
  return 0;
}

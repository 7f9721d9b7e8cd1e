import { fromUtf8, publicKeyOf } from '@safety-net/core';
import { decodeLogEntry, MAX_ENTRY_BYTES, verifyCosigned, verifyReceipt } from '@safety-net/cross-domain-audit';
import { parseCommand, parseNow, required } from '../args.js';
import { readBytes, readKey } from '../inputs.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage.js';
import { readPolicy } from './audit-policy.js';

const OPTIONS = {
  key: { type: 'string' },
  entry: { type: 'string' },
  checkpoint: { type: 'string', multiple: true },
  policy: { type: 'string' },
  now: { type: 'string' },
} as const;
const COMMAND = 'audit verify-receipt';
/** A receipt is a signature and one audit path: a few KiB; the package checks what it holds. */
const MAX_RECEIPT_FILE_BYTES = 65_536;
/** A checkpoint with its cosignatures: the note limit of §9. */
const MAX_CHECKPOINT_FILE_BYTES = 1_048_576;

/**
 * `safety-net audit verify-receipt`: verifies an RFC 9942 COSE Receipt offline (spec §5.5): each `--checkpoint`
 * must meet the verifier's own witness policy at `--now`, and the receipt's proof must take the entry (`--entry`,
 * the leaf bytes the log's tiles serve) to the root of one of them, signed by the log's receipt key (`--key`, a
 * JWK). Prints `verified: entry <index> (<kind>) in a tree of <size> of <origin> at <iat>`.
 */
export async function verifyReceiptCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseCommand(COMMAND, args, OPTIONS, { min: 1, max: 1 });
  const keyPath = required(COMMAND, flags.key, 'key');
  const entryPath = required(COMMAND, flags.entry, 'entry');
  const policyPath = required(COMMAND, flags.policy, 'policy');
  const checkpointPaths = flags.checkpoint ?? [];
  if (checkpointPaths.length === 0) throw new UsageError(`${COMMAND}: --checkpoint is required`);
  const clock = parseNow(COMMAND, flags.now, io);
  const key = publicKeyOf(readKey(io, keyPath));
  const policy = readPolicy(io, policyPath);
  // Read before anything is verified, so that an unreadable file is a usage error whatever else is wrong.
  const entry = readBytes(io, entryPath, MAX_ENTRY_BYTES + 16);
  const notes = checkpointPaths.map((path) => fromUtf8(readBytes(io, path, MAX_CHECKPOINT_FILE_BYTES)));
  const receipt = readBytes(io, positionals[0]!, MAX_RECEIPT_FILE_BYTES);
  const { kind } = decodeLogEntry(entry);
  const checkpoints = notes.map((note) => verifyCosigned(note, policy, { clock }));
  const verified = verifyReceipt(receipt, { entry, key, checkpoints });
  io.stdout(
    `verified: entry ${verified.index} (${kind}) in a tree of ${verified.size} of ${verified.issuer} at ${verified.iat}`,
  );
  return 0;
}

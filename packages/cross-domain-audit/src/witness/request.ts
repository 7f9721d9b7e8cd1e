import { MERKLE_HASH_LENGTH, utf8 } from '@safety-net/core';
import { auError } from '../errors.js';
import { fromStdBase64, toStdBase64 } from '../note/base64.js';

/** Most consistency proof lines in an `add-checkpoint` request (C2SP `tlog-witness`; spec §9). */
export const MAX_PROOF_LINES = 63;
/** Largest `add-checkpoint` body, bytes (spec §9). */
export const MAX_ADD_CHECKPOINT_BYTES = 65_536;

/** An `add-checkpoint` request: the size the log believes the witness holds, the proof from it, the checkpoint. */
export interface AddCheckpointRequest {
  readonly oldSize: number;
  /** Consistency proof from `oldSize` to the checkpoint's size; empty when `oldSize` is 0. */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note. */
  readonly checkpoint: string;
}

const malformed = (why: string) => auError('ERR_AU_NOTE_MALFORMED', why);

/** The request body: `old <size>`, one proof hash per line, an empty line, the checkpoint note. */
export function formatAddCheckpoint(request: AddCheckpointRequest): string {
  const lines = [`old ${request.oldSize}`, ...request.proof.map(toStdBase64)];
  return `${lines.join('\n')}\n\n${request.checkpoint}`;
}

/**
 * Reads an `add-checkpoint` body (spec §5.3): `old` and a decimal without leading zeros, at most 63 proof lines of
 * 32 bytes in padded standard base64 (none when the old size is 0), an empty line, the note. The note itself is
 * checked by whoever verifies it. `ERR_AU_NOTE_MALFORMED` for anything else.
 */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  if (body.length > MAX_ADD_CHECKPOINT_BYTES || utf8(body).length > MAX_ADD_CHECKPOINT_BYTES) {
    throw malformed('body over 64 KiB');
  }
  const end = body.indexOf('\n\n');
  if (end < 0) throw malformed('no empty line after the proof');
  const [head = '', ...proofLines] = body.slice(0, end).split('\n');
  const old = /^old (0|[1-9][0-9]{0,15})$/.exec(head);
  if (!old) throw malformed('the first line is not "old <size>"');
  const oldSize = Number(old[1]);
  if (!Number.isSafeInteger(oldSize)) throw malformed('old size past 2^53 − 1');
  if (proofLines.length > MAX_PROOF_LINES) throw malformed(`more than ${MAX_PROOF_LINES} proof lines`);
  if (oldSize === 0 && proofLines.length > 0) throw malformed('a proof from the empty tree');
  const proof = proofLines.map((line) => {
    const hash = fromStdBase64(line);
    if (hash?.length !== MERKLE_HASH_LENGTH) throw malformed('a proof line is not a base64 SHA-256 hash');
    return hash;
  });
  return { oldSize, proof, checkpoint: body.slice(end + 2) };
}

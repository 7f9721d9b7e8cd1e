import { fromUtf8, snError } from '@safety-net/core';
import { readBody } from '@safety-net/core/internal';
import { parseCheckpoint } from '../checkpoint/checkpoint-text.js';
import { auError } from '../errors.js';
import { MAX_NOTE_BYTES, parseNote } from '../note/note.js';
import { formatAddCheckpoint } from './request.js';

/** What a log submits to a witness. */
export interface AddCheckpointInput {
  /** The signed checkpoint note. */
  readonly checkpoint: string;
  /** The size the log believes the witness holds: 0 the first time, then what the witness last answered. */
  readonly oldSize: number;
  /** The consistency proof from `size` to the checkpoint's size (never called with 0). */
  proof(size: number): readonly Uint8Array[] | Promise<readonly Uint8Array[]>;
}

/** Options of {@link addCheckpoint}. */
export interface AddCheckpointOptions {
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Longest wait for each of the witness's answers, ms. Default 10,000. */
  readonly timeoutMs?: number;
}

/** A witness's cosignature lines (without newlines) and the old size the accepted request carried. */
export interface AddCheckpointResult {
  readonly cosignatures: readonly string[];
  readonly oldSize: number;
}

const STATUS_CODES = {
  400: 'ERR_AU_NOTE_MALFORMED',
  403: 'ERR_AU_NOTE_UNVERIFIED',
  404: 'ERR_AU_WITNESS_UNKNOWN_LOG',
  409: 'ERR_AU_WITNESS_CONFLICT',
  422: 'ERR_AU_PROOF_INVALID',
} as const;

/**
 * Submits a checkpoint to a witness (`POST <url>`, `url` ending in `/add-checkpoint`; C2SP `tlog-witness`) and
 * returns its cosignature lines. A 409 names the size the witness holds: the request is sent once more with that
 * size and its proof, and a second 409 is `ERR_AU_WITNESS_CONFLICT` (the witness holds another tree: see its
 * size and root). 400, 403, 404 and 422 are `ERR_AU_NOTE_MALFORMED`, `ERR_AU_NOTE_UNVERIFIED`,
 * `ERR_AU_WITNESS_UNKNOWN_LOG` and `ERR_AU_PROOF_INVALID`; any other answer, or none in time, `ERR_INPUT_INVALID`.
 *
 * @example
 * ```ts
 * const { cosignatures } = await addCheckpoint(`${witness}/add-checkpoint`, {
 *   checkpoint,
 *   oldSize: lastSizeTheWitnessCosigned,
 *   proof: (size) => consistencyProof(leaves, size),
 * });
 * ```
 */
export async function addCheckpoint(
  url: string | URL,
  input: AddCheckpointInput,
  options: AddCheckpointOptions = {},
): Promise<AddCheckpointResult> {
  const first = await submit(url, input, input.oldSize, options);
  if (first.ok) return { cosignatures: first.lines, oldSize: input.oldSize };
  // The same size again means other roots at that size; a larger one, a tree the log never grew to.
  if (first.size === input.oldSize || first.size > parseCheckpoint(parseNote(input.checkpoint).text).size) {
    throw auError('ERR_AU_WITNESS_CONFLICT', `the witness holds size ${first.size}`);
  }
  const second = await submit(url, input, first.size, options);
  if (second.ok) return { cosignatures: second.lines, oldSize: first.size };
  throw auError('ERR_AU_WITNESS_CONFLICT', `the witness holds size ${second.size}`);
}

type Answer = { ok: true; lines: string[] } | { ok: false; size: number };

async function submit(url: string | URL, input: AddCheckpointInput, oldSize: number, options: AddCheckpointOptions) {
  const fetcher = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const proof = oldSize === 0 ? [] : await input.proof(oldSize);
  let response: Response;
  try {
    response = await fetcher(url, {
      method: 'POST',
      body: formatAddCheckpoint({ oldSize, proof, checkpoint: input.checkpoint }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw snError('ERR_INPUT_INVALID', `the witness did not answer: ${why}`, { cause: e });
  }
  const body = await readBody(response, { max: MAX_NOTE_BYTES, timeoutMs });
  return answerOf(response.status, body === undefined ? undefined : decode(body));
}

function answerOf(status: number, text: string | undefined): Answer {
  if (status === 200 && text !== undefined) {
    const lines = text.split('\n');
    if (lines.pop() === '' && lines.length > 0 && lines.every((l) => l.startsWith('\u2014 ')))
      return { ok: true, lines };
    throw auError('ERR_AU_NOTE_MALFORMED', 'the witness answered 200 without cosignature lines');
  }
  const size = status === 409 ? /^(0|[1-9][0-9]{0,15})\n$/.exec(text ?? '') : null;
  if (size && Number.isSafeInteger(Number(size[1]))) return { ok: false, size: Number(size[1]) };
  const code = STATUS_CODES[status as keyof typeof STATUS_CODES];
  if (code) throw auError(code, `the witness answered ${status}`);
  throw snError('ERR_INPUT_INVALID', `the witness answered ${status}`);
}

function decode(body: Uint8Array): string | undefined {
  try {
    return fromUtf8(body);
  } catch {
    return undefined;
  }
}

import {
  bytesEqual,
  type Clock,
  type CryptoBackend,
  epochSeconds,
  fromBase64Url,
  fromUtf8,
  isSafetyNetError,
  systemClock,
  verifyConsistency,
} from '@safety-net/core';
import { readBody } from '@safety-net/core/internal';
import { parseCheckpoint } from '../checkpoint/checkpoint-text.js';
import { logVerifiers } from '../checkpoint/verify.js';
import { auError } from '../errors.js';
import { detectFork, type ForkFinding } from '../fork/detect.js';
import { COSIGNATURE_V1, type NoteSigner, type NoteVerifier } from '../note/keys.js';
import { parseNote } from '../note/note.js';
import { checkNoteSignatures } from '../note/open.js';
import { cosignatureLine } from './cosignature.js';
import { MAX_ADD_CHECKPOINT_BYTES, parseAddCheckpoint } from './request.js';
import type { WitnessStore } from './store.js';

/**
 * The fork a failed consistency proof shows, if any: one that reproduces the new checkpoint's root fixes the prefix
 * root of the new tree, and that root is not the held one (spec §5.8). Undefined when the proof reproduces nothing.
 */
function forkOfProof(
  held: string,
  next: string,
  proof: readonly Uint8Array[],
  keys: readonly NoteVerifier[],
  options: { origin: string; backend?: CryptoBackend | undefined },
): ForkFinding | undefined {
  try {
    return detectFork(held, next, { ...options, keys, prefix: { proof } });
  } catch (e) {
    if (isSafetyNetError(e) && e.code === 'ERR_AU_PROOF_INVALID') return undefined;
    throw e;
  }
}

/** Media type of a 409 answer's body: the witness's size in decimal and a newline (C2SP `tlog-witness`). */
export const TLOG_SIZE_MEDIA_TYPE = 'text/x.tlog.size';

/** A log the witness cosigns: its origin and its note keys (type 0x01). */
export interface WitnessedLog {
  readonly origin: string;
  readonly keys: readonly (NoteVerifier | string)[];
}

/** Options of {@link witnessHandler}. */
export interface WitnessOptions {
  /** The witness's cosigning key (`witnessSigner`). */
  readonly signer: NoteSigner;
  readonly logs: readonly WitnessedLog[];
  readonly store: WitnessStore;
  /** Timestamps of cosignatures. Default: the system clock. */
  readonly clock?: Clock;
  readonly backend?: CryptoBackend;
}

const json = (status: number, code: string) =>
  new Response(JSON.stringify({ code }), { status, headers: { 'content-type': 'application/json' } });
const sizeConflict = (size: number) =>
  new Response(`${size}\n`, { status: 409, headers: { 'content-type': TLOG_SIZE_MEDIA_TYPE } });

/**
 * The witness of C2SP `tlog-witness` as a Web-standard handler: `POST …/add-checkpoint` answers as the table of
 * spec §5.3 says, in its order (400, 404, 403, 409, 422, 200 with the cosignature line). Mount it under the
 * witness's submission prefix in any server that speaks `Request`/`Response` (Node's via an adapter, Deno, Bun,
 * workers).
 *
 * @example
 * ```ts
 * const witness = witnessHandler({ signer, logs: [{ origin, keys: [logVkey] }], store: new MemoryWitnessStore() });
 * const response = await witness(new Request(`${base}/add-checkpoint`, { method: 'POST', body }));
 * ```
 */
export function witnessHandler(options: WitnessOptions): (request: Request) => Promise<Response> {
  if (options.signer.type !== COSIGNATURE_V1) {
    throw auError('ERR_AU_CONFIG_INVALID', 'a witness cosigns with a type 0x04 key');
  }
  const logs = new Map(options.logs.map((l) => [l.origin, logVerifiers(l.keys)]));
  if (logs.size !== options.logs.length) throw auError('ERR_AU_CONFIG_INVALID', 'a log is configured twice');
  const clock = options.clock ?? systemClock;
  const { store, signer, backend } = options;

  async function addCheckpoint(body: Uint8Array): Promise<Response> {
    let text: string;
    try {
      text = fromUtf8(body);
    } catch {
      throw auError('ERR_AU_NOTE_MALFORMED', 'body is not UTF-8');
    }
    const request = parseAddCheckpoint(text);
    const note = parseNote(request.checkpoint);
    const checkpoint = parseCheckpoint(note.text);
    if (request.oldSize > checkpoint.size) throw auError('ERR_AU_NOTE_MALFORMED', 'old size past the checkpoint');
    const verifiers = logs.get(checkpoint.origin);
    if (!verifiers) return json(404, 'ERR_AU_WITNESS_UNKNOWN_LOG');
    if (checkNoteSignatures(note, verifiers, { backend }).verified.length === 0) {
      return json(403, 'ERR_AU_NOTE_UNVERIFIED');
    }
    const { origin } = checkpoint;
    if (await store.halted(origin)) return json(403, 'ERR_AU_FORK_DETECTED');
    const held = await store.latest(origin);
    const heldSize = held?.size ?? 0;
    if (request.oldSize !== heldSize) return sizeConflict(heldSize);
    const at = epochSeconds(clock);
    const same = held !== undefined && held.size === checkpoint.size;
    if (same && !bytesEqual(held.rootHash, checkpoint.rootHash)) {
      await store.keepEvidence({ origin, kind: 'same_size', a: held.checkpoint, b: request.checkpoint, proof: [], at });
      return sizeConflict(heldSize);
    }
    // The empty tree is a prefix of every tree; a checkpoint of the size held needs no proof.
    const consistent =
      heldSize === 0 ||
      (same
        ? request.proof.length === 0
        : verifyConsistency({
            size1: heldSize,
            size2: checkpoint.size,
            root1: held!.rootHash,
            root2: checkpoint.rootHash,
            proof: request.proof,
          }));
    if (!consistent) {
      const fork = forkOfProof(held!.checkpoint, request.checkpoint, request.proof, verifiers, { origin, backend });
      const evidence = { origin, a: held!.checkpoint, b: request.checkpoint, at } as const;
      await store.keepEvidence(
        fork?.hashes
          ? { ...evidence, kind: 'different_size', proof: fork.hashes.map(fromBase64Url) }
          : { ...evidence, kind: 'inconsistent', proof: request.proof },
      );
      return json(422, 'ERR_AU_PROOF_INVALID');
    }
    if (!same) {
      const next = { size: checkpoint.size, rootHash: checkpoint.rootHash, checkpoint: request.checkpoint };
      const advanced = await store.advance(origin, held, next);
      if (!advanced.ok) return sizeConflict(advanced.size);
    }
    const line = cosignatureLine(signer, note.text, at, { backend });
    return new Response(`${line}\n`, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }

  return async (request) => {
    if (!new URL(request.url).pathname.endsWith('/add-checkpoint')) return json(404, 'ERR_INPUT_INVALID');
    if (request.method !== 'POST') {
      return new Response(null, { status: 405, headers: { allow: 'POST' } });
    }
    try {
      return await addCheckpoint(await readBody(request, { max: MAX_ADD_CHECKPOINT_BYTES }));
    } catch (e) {
      if (!isSafetyNetError(e)) throw e;
      if (e.code === 'ERR_AU_STORE_FAILED' || e.code === 'ERR_STORE_FAILED') return json(503, e.code);
      // Everything else thrown here is the request's fault: its syntax, its limits, a signature by a known key.
      return json(e.code === 'ERR_AU_NOTE_BAD_SIGNATURE' ? 403 : 400, e.code);
    }
  };
}

import { fromBase64Url, toBase64Url } from '@safety-net/core';
import type {
  AmbiguousRequest,
  ErasureIntent,
  ForwardedRequest,
  PeerAnswer,
  ReceivedRequest,
  StoredRecord,
} from './disclosure-store.js';

/** A record row as the SQL stores keep it: JSON columns, and integers a driver may return as text (`BIGINT`). */
export interface RecordRow {
  leaf_hash: Uint8Array;
  idx: number | string;
  token: Uint8Array;
  profiles: string;
  wid: string;
  stitches: string;
  keep_until: number | string;
  delete_at: number | string | null;
}

const bytes = (b: Uint8Array) => new Uint8Array(b);

/** The record of a row and the ECTs indexed for it. */
export function recordOf(row: RecordRow, ects: readonly string[]): StoredRecord {
  return {
    leafHash: bytes(row.leaf_hash),
    index: Number(row.idx),
    token: bytes(row.token),
    profiles: JSON.parse(row.profiles),
    wid: row.wid,
    ects: [...ects],
    stitches: JSON.parse(row.stitches),
    keepUntil: Number(row.keep_until),
    ...(row.delete_at === null ? {} : { deleteAt: Number(row.delete_at) }),
  };
}

/**
 * The stored form of an intent: the owner is personal data, so the row keeps only what the tombstone says and the
 * requests to forward (which name stitches, never the subject).
 */
export const intentBody = (intent: ErasureIntent) =>
  JSON.stringify({
    destroyed: intent.destroyed.map((d) => [toBase64Url(d.leafHash), d.digest]),
    forward: (intent.forward ?? []).map((f) => [f.jti, f.peer, toBase64Url(f.request)]),
  });

/** The intent of a stored row (without its owner, whose key is already destroyed). */
export function intentOf(id: string, body: string, tombstone: Uint8Array): ErasureIntent {
  const { destroyed, forward = [] } = JSON.parse(body) as {
    destroyed: [string, string][];
    forward?: [string, string, string][];
  };
  return {
    id,
    destroyed: destroyed.map(([leaf, digest]) => ({ leafHash: fromBase64Url(leaf), digest })),
    tombstone: bytes(tombstone),
    ...(forward.length > 0
      ? { forward: forward.map(([jti, peer, request]) => ({ jti, peer, request: fromBase64Url(request) })) }
      : {}),
  };
}

/** A forwarded request's row: the answer as JSON, or null while none was recorded. */
export interface ForwardedRow {
  jti: string;
  peer: string;
  request: Uint8Array;
  answer: string | null;
}

export function forwardedOf(row: ForwardedRow): ForwardedRequest {
  return {
    jti: row.jti,
    peer: row.peer,
    request: bytes(row.request),
    ...(row.answer === null ? {} : { answer: JSON.parse(row.answer) as PeerAnswer }),
  };
}

/**
 * The `answer` column of a received request: the answer's JSON, with the ambiguous request's details beside it
 * under `ambiguous` (kept in the one column, so that stores made before them need no new column).
 */
export const receivedAnswer = (request: ReceivedRequest): string =>
  JSON.stringify(request.ambiguous ? { ...request.answer, ambiguous: request.ambiguous } : request.answer);

export function receivedOf(row: { jti: string; digest: string; answer: string }): ReceivedRequest {
  const { ambiguous, ...answer } = JSON.parse(row.answer) as PeerAnswer & { ambiguous?: AmbiguousRequest };
  return { jti: row.jti, digest: row.digest, answer: answer as PeerAnswer, ...(ambiguous ? { ambiguous } : {}) };
}

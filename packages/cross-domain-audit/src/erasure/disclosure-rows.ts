import { fromBase64Url, toBase64Url } from '@safety-net/core';
import type { ErasureIntent, StoredRecord } from './disclosure-store.js';

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

/** The stored form of an intent: the owner is personal data, so the row keeps only what the tombstone says. */
export const intentBody = (intent: ErasureIntent) =>
  JSON.stringify({ destroyed: intent.destroyed.map((d) => [toBase64Url(d.leafHash), d.digest]) });

/** The intent of a stored row (without its owner, whose key is already destroyed). */
export function intentOf(id: string, body: string, tombstone: Uint8Array): ErasureIntent {
  const { destroyed } = JSON.parse(body) as { destroyed: [string, string][] };
  return {
    id,
    destroyed: destroyed.map(([leaf, digest]) => ({ leafHash: fromBase64Url(leaf), digest })),
    tombstone: bytes(tombstone),
  };
}

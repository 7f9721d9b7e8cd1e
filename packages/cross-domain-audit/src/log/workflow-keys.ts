import { decodeCbor, Tagged } from '@safety-net/core';
import type { LogEntry } from './entry.js';

/** Longest key the workflow index holds: a `task-id` (spec §2). */
const MAX_KEY_LENGTH = 256;

const isKey = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH;

/** The claims map of a logged COSE_Sign1 or COSE_Sign (payload in the third place), or undefined. */
function claimsOf(body: Uint8Array): Map<unknown, unknown> | undefined {
  // Only an array or a tag (CBOR major type 4 or 6) can be a COSE message: any other body is told apart by its first
  // byte, without a decoding that would fail by throwing, which cost an append of such entries more than its hashing.
  const major = (body[0] ?? 0) >> 5;
  if (major !== 4 && major !== 6) return undefined;
  try {
    let cose = decodeCbor(body);
    if (cose instanceof Tagged) cose = cose.value;
    if (!Array.isArray(cose) || !(cose[2] instanceof Uint8Array)) return undefined;
    const claims = decodeCbor(cose[2]);
    return claims instanceof Map ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** The keys of every entry that has none: most entries of a batch, which need no list of their own. */
const NO_KEYS: readonly string[] = Object.freeze([]);

/**
 * The keys under which the workflow index (spec §5.5, §6) finds an entry: the message's `wid` and the `ect` of each
 * of its stitches (the stitching identifier a peer looks it up by), each once. An entry whose body is not a signed
 * message with such claims has none; signatures are not checked here, since readers verify what the index points to.
 */
export function workflowKeys(entry: LogEntry): readonly string[] {
  const claims = claimsOf(entry.body);
  if (!claims) return NO_KEYS;
  const keys = new Set<string>();
  const wid = claims.get('wid');
  if (isKey(wid)) keys.add(wid);
  const stitches = claims.get('stitch');
  if (Array.isArray(stitches)) {
    for (const s of stitches) {
      const ect = s instanceof Map ? s.get('ect') : undefined;
      if (isKey(ect)) keys.add(ect);
    }
  }
  return [...keys];
}

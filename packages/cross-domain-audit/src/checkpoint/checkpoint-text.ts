import { MERKLE_HASH_LENGTH } from '@safety-net/core';
import { auError } from '../errors.js';
import { OriginSchema } from '../messages/common.js';
import { fromStdBase64, toStdBase64 } from '../note/base64.js';
import type { TreeHead } from './tree-head.js';

/** A checkpoint's text read back: the tree head and any extension lines after it. */
export interface Checkpoint extends TreeHead {
  /** Lines after the root hash (C2SP `tlog-checkpoint` extension lines); our logs write none. */
  readonly extensions: readonly string[];
}

const malformed = (why: string) => auError('ERR_AU_CHECKPOINT_MALFORMED', why);

/**
 * The note text of a checkpoint (C2SP `tlog-checkpoint`): origin, size in decimal, root hash in padded standard
 * base64, each on its own line, then the extension lines if any. `ERR_AU_CHECKPOINT_MALFORMED` for a head that
 * breaks the spec's types (an origin with a space or `+`, a size past 2^53 − 1, a root that is not 32 bytes).
 */
export function formatCheckpoint(head: TreeHead, extensions: readonly string[] = []): string {
  checkHead(head);
  if (extensions.some((l) => l.length === 0 || l.includes('\n'))) throw malformed('an extension line is empty');
  return [head.origin, String(head.size), toStdBase64(head.rootHash), ...extensions].map((l) => `${l}\n`).join('');
}

function checkHead(head: TreeHead): void {
  if (!OriginSchema.safeParse(head.origin).success)
    throw malformed('the origin is empty, too long, or has a space or "+"');
  if (!Number.isSafeInteger(head.size) || head.size < 0)
    throw malformed('the size is not an integer from 0 to 2^53 − 1');
  if (head.rootHash.length !== MERKLE_HASH_LENGTH) throw malformed('the root hash is not 32 bytes');
}

/**
 * Reads a checkpoint from a note's text (spec §5.2): the origin line, the size without leading zeros, the root hash
 * as exactly 32 bytes in padded standard base64, and extension lines, which are returned, not interpreted.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('the text does not end in a newline');
  const [origin = '', size = '', root = '', ...extensions] = text.slice(0, -1).split('\n');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size)) throw malformed('the size line is not a decimal without leading zeros');
  const rootHash = fromStdBase64(root);
  if (!rootHash) throw malformed('the root hash line is not padded standard base64');
  const head = { origin, size: Number(size), rootHash };
  checkHead(head);
  if (extensions.some((l) => l.length === 0)) throw malformed('an empty line in the checkpoint');
  return { ...head, extensions };
}

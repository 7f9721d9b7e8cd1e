import { type Clock, isSafetyNetError, type KeyResolver, type PublicKey } from '@safety-net/core';
import type { TreeHead } from '../checkpoint/tree-head.js';
import { decodeLogEntry } from '../log/entry.js';
import { type TombstoneClaims, tombstone } from '../messages/tombstone.js';
import type { TileLogClient } from '../tiles/client.js';

/** The tombstone that destroyed an entry's disclosures. */
export interface Erasure {
  /** The tombstone's own index in the log. */
  readonly tombstone: number;
  readonly reason: TombstoneClaims['reason'];
}

/** What the tombstones of one log say, and those that could not be proven. */
export interface Tombstones {
  /** Entry index → the first tombstone naming it. */
  readonly erased: ReadonlyMap<number, Erasure>;
  readonly failed: readonly { readonly index: number; readonly code: string }[];
}

/**
 * Reads the tombstones at `indices` (the log's `au-erasure` workflow entries below `head`): each proven by its
 * inclusion under `head` and verified under the domain's key, since an unproven tombstone would let a log hide a
 * record's disclosures behind a claim of erasure. Entries of the workflow that are no tombstone are skipped.
 */
export async function readTombstones(
  client: TileLogClient,
  head: TreeHead,
  indices: readonly number[],
  key: PublicKey | KeyResolver,
  clock: Clock,
): Promise<Tombstones> {
  const erased = new Map<number, Erasure>();
  const failed: { index: number; code: string }[] = [];
  // Ascending, so that the first tombstone naming an entry is the one kept.
  for (const index of [...indices].sort((a, b) => a - b)) {
    try {
      const entry = decodeLogEntry(await client.entry(index, head));
      if (entry.kind !== 'tombstone') continue;
      const verified = await tombstone.verifyAsync(entry.body, { key, clock });
      if (!verified.ok) throw verified.error;
      for (const named of verified.claims.entries) {
        if (!erased.has(named)) erased.set(named, { tombstone: index, reason: verified.claims.reason });
      }
    } catch (e) {
      failed.push({ index, code: isSafetyNetError(e) ? e.code : 'ERR_INPUT_INVALID' });
    }
  }
  return { erased, failed };
}

/**
 * What a checkpoint commits to (spec §5.2): the log's origin, its size and the RFC 9162 root of that size. The log
 * produces tree heads; whoever holds the log's note key turns them into signed checkpoints.
 */
export interface TreeHead {
  /** The checkpoint origin line: the log's name, no spaces, no `+`. */
  readonly origin: string;
  /** Number of entries. */
  readonly size: number;
  /** RFC 9162 root hash of the first `size` entries (32 bytes). */
  readonly rootHash: Uint8Array;
}

/** Signs a tree head as a C2SP `tlog-checkpoint` signed note and returns the note's text. */
export type CheckpointSigner = (head: TreeHead) => Promise<string>;

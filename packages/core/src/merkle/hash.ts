import { sha256 } from '../crypto/sha256.js';

/** Length in bytes of every hash in the tree (SHA-256). */
export const MERKLE_HASH_LENGTH = 32;

/**
 * Inputs reused from hash to hash: the hash reads its input and keeps nothing, and allocating the prefixed input
 * was a third of a node hash's cost. A leaf longer than {@link LEAF_SCRATCH} bytes gets an input of its own.
 */
const nodeInput = new Uint8Array(1 + 2 * MERKLE_HASH_LENGTH);
const LEAF_SCRATCH = 4096;
const leafInput = new Uint8Array(LEAF_SCRATCH);
/** The prefixes of `leafInput` by length, each made once: a view per leaf cost as much as the copy into it. */
const leafInputs: Array<Uint8Array | undefined> = new Array(LEAF_SCRATCH).fill(undefined);

/** RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 || leaf). The prefix keeps leaves and interior nodes apart. */
export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  const input = leafInputOf(leaf.length + 1);
  input[0] = 0;
  input.set(leaf, 1);
  return sha256(input);
}

/** An input of `n` bytes: the scratch's prefix of that length, else a buffer of its own. */
function leafInputOf(n: number): Uint8Array {
  if (n > LEAF_SCRATCH) return new Uint8Array(n);
  let input = leafInputs[n - 1];
  if (input === undefined) {
    input = leafInput.subarray(0, n);
    leafInputs[n - 1] = input;
  }
  return input;
}

/** RFC 9162 §2.1.1 interior node hash: SHA-256(0x01 || left || right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  // Hashes of another length (a malformed proof) still hash, to a root that will not match.
  const input =
    left.length + right.length === 2 * MERKLE_HASH_LENGTH ? nodeInput : new Uint8Array(1 + left.length + right.length);
  input[0] = 1;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** The split point of RFC 9162 §2.1.1: the largest power of two smaller than `n` (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

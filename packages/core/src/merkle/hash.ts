import { sha256 } from '../crypto/sha256.js';

/** Length in bytes of every hash in the tree (SHA-256). */
export const MERKLE_HASH_LENGTH = 32;

/** RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 || leaf). The prefix keeps leaves and interior nodes apart. */
export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  const input = new Uint8Array(leaf.length + 1);
  input.set(leaf, 1);
  return sha256(input);
}

/** RFC 9162 §2.1.1 interior node hash: SHA-256(0x01 || left || right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
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

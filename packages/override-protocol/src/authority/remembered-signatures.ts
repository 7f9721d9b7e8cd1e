import {
  type AlgorithmInfo,
  bytesEqual,
  type CryptoBackend,
  getBackend,
  type PublicKey,
  sha256,
} from '@safety-net/core';
import { BoundedMap } from '@safety-net/core/internal';

/** A copy of a key's material: signatures remembered one after another under one key share it. */
interface KeyCopy {
  readonly curve: string;
  readonly x: Uint8Array;
  readonly y: Uint8Array | undefined;
}

/** What a remembered signature verified under and over. */
interface Verified {
  readonly alg: AlgorithmInfo;
  readonly key: KeyCopy;
  /**
   * SHA-256 of the signed bytes, not a copy of them: a typed array over 64 bytes lives off V8's heap, and making
   * one (2–4 µs) cost more than the rest of a lookup; the digest is 32 bytes on the heap, and a hit hashes anew.
   */
  readonly digest: Uint8Array;
  readonly signature: Uint8Array;
}

/** How many verified signatures a process remembers: a fan-out's signal needs one. */
export const REMEMBERED_SIGNATURES = 256;

/**
 * Where a signature is remembered: 30 bits of its leading bytes, a small integer that a map finds without hashing a
 * string. Signature bytes are uniformly spread (a curve point or a random scalar first), so two signatures share a
 * slot only by chance, and then the later one takes the earlier one's place.
 */
const slotOf = (signature: Uint8Array) =>
  (signature[0]! << 22) | (signature[1]! << 14) | (signature[2]! << 6) | (signature[3]! >> 2);

/** Byte strings both absent or both present and equal (a malformed key part never matches). */
const sameBytes = (a: Uint8Array | undefined, b: unknown) =>
  a === undefined ? b === undefined : b instanceof Uint8Array && bytesEqual(a, b);

const sameKey = (copy: KeyCopy, key: PublicKey) =>
  copy.curve === key.curve && sameBytes(copy.x, key.x) && sameBytes(copy.y, key.y);

/**
 * The runtime's crypto backend, remembering the signatures that verified. Agents hosted in one process receive the
 * same signal bytes from one fan-out, and whether a signature verifies depends on the algorithm, the key and the
 * bytes alone: the first guard checks it, the others find the same algorithm, key material, bytes and signature
 * remembered. Everything else — decoding, the key each guard resolves from its own policy, the claim and time checks
 * — still runs for every guard. Only signatures that verified are remembered, the latest {@link
 * REMEMBERED_SIGNATURES} of them, each with a copy of itself and of the key it was checked against and the SHA-256 of
 * the bytes.
 * `inner` is the backend that verifies (default: the runtime's, as chosen when each call is made).
 */
export function rememberingBackend(
  inner: () => CryptoBackend = getBackend,
  capacity = REMEMBERED_SIGNATURES,
): CryptoBackend {
  const verified = new BoundedMap<number, Verified>(capacity);
  let lastKey: KeyCopy | undefined;
  return {
    get name() {
      return inner().name;
    },
    sign: (alg, key, data) => inner().sign(alg, key, data),
    verify(alg: AlgorithmInfo, key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean {
      const slot = slotOf(signature);
      const seen = verified.get(slot);
      if (
        seen !== undefined &&
        bytesEqual(seen.signature, signature) &&
        seen.alg === alg &&
        sameKey(seen.key, key) &&
        bytesEqual(seen.digest, sha256(data))
      ) {
        return true;
      }
      if (!inner().verify(alg, key, data, signature)) return false;
      // Copies and a digest: `data` may be a scratch buffer the next message is encoded into, and `signature` a view
      // into the message.
      if (lastKey === undefined || !sameKey(lastKey, key)) {
        lastKey = { curve: key.curve, x: key.x.slice(), y: key.y?.slice() };
      }
      verified.set(slot, { alg, key: lastKey, digest: sha256(data), signature: signature.slice() });
      return true;
    },
  };
}

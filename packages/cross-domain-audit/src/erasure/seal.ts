import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { joinBytes, type RandomSource } from '@safety-net/core';
import { auError } from '../errors.js';

/** XChaCha20-Poly1305 nonce length: 24 bytes, random per message (spec §7.2). */
export const NONCE_BYTES = 24;
/** Subject keys and key-encryption keys are 32 bytes. */
export const KEY_BYTES = 32;

/** Encrypts `plaintext` under `key` with a fresh nonce; returns `nonce || ciphertext || tag`. */
export function seal(key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array, random: RandomSource): Uint8Array {
  const nonce = random.bytes(NONCE_BYTES);
  return joinBytes([nonce, xchacha20poly1305(key, nonce, ad).encrypt(plaintext)]);
}

/** Decrypts what {@link seal} made; a tampered box, another key or other associated data is `ERR_AU_DECRYPT_FAILED`. */
export function open(key: Uint8Array, box: Uint8Array, ad: Uint8Array): Uint8Array {
  try {
    return xchacha20poly1305(key, box.subarray(0, NONCE_BYTES), ad).decrypt(box.subarray(NONCE_BYTES));
  } catch (e) {
    throw auError('ERR_AU_DECRYPT_FAILED', 'a stored ciphertext fails authentication', { cause: e });
  }
}

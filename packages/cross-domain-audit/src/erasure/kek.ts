import { type RandomSource, systemRandom, utf8 } from '@safety-net/core';
import { auError } from '../errors.js';
import { KEY_BYTES, open, seal } from './seal.js';

/**
 * The key-encryption key that wraps subject keys (spec §7.2), held outside the database: a KMS, an HSM or a file the
 * operator provides. Each wrapped key is bound to its owner, so a wrapped key moved to another subject fails.
 */
export interface KeyEncryptionKey {
  /** Names this key in the stored rows, so that a rotation knows which rows it wrapped. */
  readonly id: string;
  wrap(key: Uint8Array, owner: string): Promise<Uint8Array>;
  /** `ERR_AU_DECRYPT_FAILED` when the wrapped bytes were not made by this key for this owner. */
  unwrap(wrapped: Uint8Array, owner: string): Promise<Uint8Array>;
  /** Destroys the key material: called once every live subject key is wrapped under its successor. */
  destroy(): Promise<void>;
}

const wrapAd = (owner: string) => utf8(`au-subject-key\n${owner}`);

/**
 * A key-encryption key held in memory as 32 bytes (tests, small deployments reading it from a file): wrapping is
 * XChaCha20-Poly1305 with a fresh nonce; `destroy` zeroes the bytes and refuses any later use.
 */
export function bytesKeyEncryptionKey(
  id: string,
  bytes: Uint8Array,
  random: RandomSource = systemRandom,
): KeyEncryptionKey {
  if (bytes.length !== KEY_BYTES) throw auError('ERR_AU_CONFIG_INVALID', 'a key-encryption key is 32 bytes');
  const key = Uint8Array.from(bytes);
  let destroyed = false;
  const live = () => {
    if (destroyed) throw auError('ERR_AU_CONFIG_INVALID', `key-encryption key ${id} was destroyed`);
    return key;
  };
  return {
    id,
    wrap: async (subjectKey, owner) => seal(live(), subjectKey, wrapAd(owner), random),
    unwrap: async (wrapped, owner) => open(live(), wrapped, wrapAd(owner)),
    destroy: async () => {
      key.fill(0);
      destroyed = true;
    },
  };
}

import type { CryptoBackend } from '@safety-net/core';
import { auError } from '../errors.js';
import { NOTE_ED25519, type NoteSigner, parseSignerKey } from '../note/keys.js';
import { signNote } from '../note/sign.js';
import { formatCheckpoint } from './checkpoint-text.js';
import type { CheckpointSigner } from './tree-head.js';

/**
 * The {@link CheckpointSigner} of a log whose note key is `key` (a parsed signer or a `PRIVATE+KEY+…` string):
 * each tree head becomes the checkpoint note signed by that key (spec §5.2). The key's name must be the origin
 * and of type 0x01 (`ERR_AU_CONFIG_INVALID`); a head of another origin is `ERR_AU_ORIGIN_MISMATCH`.
 */
export function noteCheckpointSigner(
  key: NoteSigner | string,
  origin: string,
  options: { readonly backend?: CryptoBackend } = {},
): CheckpointSigner {
  const signer = typeof key === 'string' ? parseSignerKey(key) : key;
  if (signer.name !== origin || signer.type !== NOTE_ED25519) {
    throw auError('ERR_AU_CONFIG_INVALID', 'a log signs its checkpoints with an Ed25519 note key named for its origin');
  }
  return async (head) => {
    if (head.origin !== origin) throw auError('ERR_AU_ORIGIN_MISMATCH', `${head.origin} is not ${origin}`);
    return signNote(formatCheckpoint(head), [signer], options);
  };
}

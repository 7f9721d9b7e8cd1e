import type { CryptoBackend, PrivateKey } from '@safety-net/core';
import { auError } from '../errors.js';
import { COSIGNATURE_V1, type NoteSigner, noteSigner } from '../note/keys.js';
import { signatureLineOf } from '../note/sign.js';

/** A witness's cosigning key (C2SP `tlog-cosignature`, Ed25519, type 0x04) under the witness's name. */
export function witnessSigner(name: string, key: PrivateKey): NoteSigner {
  return noteSigner(name, key, COSIGNATURE_V1);
}

/**
 * The `cosignature/v1` line (without its newline) of a checkpoint's note text at `timestamp` (seconds): key ID,
 * 8-byte big-endian timestamp and the Ed25519 signature of `cosignature/v1\ntime <timestamp>\n<text>`.
 */
export function cosignatureLine(
  signer: NoteSigner,
  checkpointText: string,
  timestamp: number,
  options: { readonly backend?: CryptoBackend } = {},
): string {
  if (signer.type !== COSIGNATURE_V1) throw auError('ERR_AU_CONFIG_INVALID', 'a witness cosigns with a type 0x04 key');
  return signatureLineOf(signer, checkpointText, { timestamp, backend: options.backend });
}

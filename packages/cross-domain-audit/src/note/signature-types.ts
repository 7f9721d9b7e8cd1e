import { algorithmByName, type CryptoBackend, concatBytes, getBackend, utf8 } from '@safety-net/core';
import { COSIGNATURE_V1, type NoteSigner, type NoteVerifier } from './keys.js';

const ED25519 = algorithmByName('Ed25519');
const TIMESTAMP_BYTES = 8;
const ED25519_SIGNATURE_BYTES = 64;

/**
 * The message a `cosignature/v1` signs (C2SP `tlog-cosignature`): `cosignature/v1\ntime <timestamp>\n` followed by
 * the whole note text of the checkpoint.
 */
export function cosignatureMessage(timestamp: number, text: string): Uint8Array {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/**
 * The signature bytes (after the key ID) of `text` by `signer`: Ed25519 over the text for a log's key (0x01); the
 * 8-byte big-endian timestamp then Ed25519 over {@link cosignatureMessage} for a witness's key (0x04).
 */
export function signatureOver(
  signer: NoteSigner,
  text: string,
  timestamp: number,
  backend?: CryptoBackend,
): Uint8Array {
  const b = backend ?? getBackend();
  if (signer.type !== COSIGNATURE_V1) return b.sign(ED25519, signer.key, utf8(text));
  const head = new Uint8Array(TIMESTAMP_BYTES);
  new DataView(head.buffer).setBigUint64(0, BigInt(timestamp));
  return concatBytes(head, b.sign(ED25519, signer.key, cosignatureMessage(timestamp, text)));
}

/**
 * Checks signature bytes of `text` against `verifier`. Returns the cosignature's timestamp (0 for a log's
 * signature), or undefined when the signature does not verify — a cosignature whose timestamp is past 2^53 − 1
 * included, since no clock of this process can reach it.
 */
export function verifySignatureOver(
  verifier: NoteVerifier,
  text: string,
  signature: Uint8Array,
  backend?: CryptoBackend,
): number | undefined {
  const b = backend ?? getBackend();
  if (verifier.type !== COSIGNATURE_V1) {
    return signature.length === ED25519_SIGNATURE_BYTES && b.verify(ED25519, verifier.key, utf8(text), signature)
      ? 0
      : undefined;
  }
  if (signature.length !== TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES) return undefined;
  const stamp = new DataView(signature.buffer, signature.byteOffset).getBigUint64(0);
  if (stamp > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const timestamp = Number(stamp);
  const ok = b.verify(ED25519, verifier.key, cosignatureMessage(timestamp, text), signature.subarray(TIMESTAMP_BYTES));
  return ok ? timestamp : undefined;
}

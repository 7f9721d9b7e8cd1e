import { sha256 } from '@noble/hashes/sha2.js';
import {
  concatBytes,
  generateKey,
  type PrivateKey,
  type PublicKey,
  publicKeyOf,
  snError,
  utf8,
} from '@safety-net/core';
import { fromStdBase64, toStdBase64 } from './base64.js';

/** Signature type of a log's Ed25519 note signature (C2SP `signed-note`). */
export const NOTE_ED25519 = 0x01;
/** Signature type of an Ed25519 `cosignature/v1` (C2SP `tlog-cosignature`). */
export const COSIGNATURE_V1 = 0x04;

/** The signature types this package signs and verifies. */
export type NoteSignatureType = typeof NOTE_ED25519 | typeof COSIGNATURE_V1;

/** A key that verifies note signatures: its name, key ID and type, and the Ed25519 public key. */
export interface NoteVerifier {
  readonly name: string;
  /** The 32-bit key ID, as a number. */
  readonly keyId: number;
  readonly type: NoteSignatureType;
  readonly key: PublicKey;
}

/** A key that signs notes: a {@link NoteVerifier} with the private key. */
export interface NoteSigner extends Omit<NoteVerifier, 'key'> {
  readonly key: PrivateKey;
}

/**
 * A key name (C2SP `signed-note`): not empty, no Unicode white space, no `+`. Go's `isValidName` is the same test;
 * \s covers what its `unicode.IsSpace` calls space.
 */
export function isKeyName(name: string): boolean {
  return name.length > 0 && name.length <= 256 && !/[\s+\p{Cc}\p{Cs}]/u.test(name);
}

/** The key ID: the first four bytes, big-endian, of SHA-256(name || 0x0A || type || public key). */
export function noteKeyId(name: string, type: NoteSignatureType, publicKey: Uint8Array): number {
  const digest = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, type), publicKey));
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

const hex8 = (id: number) => id.toString(16).padStart(8, '0');

function checkName(name: string): void {
  if (!isKeyName(name)) throw snError('ERR_KEY_INVALID', 'a note key name is empty or holds a space or a "+"');
}

function checkType(type: number): asserts type is NoteSignatureType {
  if (type !== NOTE_ED25519 && type !== COSIGNATURE_V1) throw snError('ERR_KEY_UNSUPPORTED', `note key type ${type}`);
}

/** Splits `name+hash+base64(type || key)`, checks the name, the type, the length and the hash. */
function decodeKeyString(text: string, what: string): { name: string; type: NoteSignatureType; material: Uint8Array } {
  const parts = text.split('+');
  if (parts.length < 3) throw snError('ERR_KEY_INVALID', `${what} is not name+hash+key`);
  // The base64 may itself hold "+": the name and the hash are the first two fields, the key is the rest.
  const [name, hash, ...rest] = parts as [string, string, ...string[]];
  checkName(name);
  const bytes = fromStdBase64(rest.join('+'));
  if (!/^[0-9a-f]{8}$/.test(hash) || !bytes || bytes.length !== 33) {
    throw snError('ERR_KEY_INVALID', `${what} is not name+hash+key`);
  }
  const type = bytes[0]!;
  checkType(type);
  return { name, type, material: bytes.subarray(1) };
}

/**
 * Reads a verifier key as Go's `note.NewVerifier` does: `<name>+<key ID, 8 lower-case hex digits>+<base64(type ||
 * 32-byte Ed25519 public key)>`, type 0x01 (a log) or 0x04 (a witness). `ERR_KEY_INVALID` when malformed or when
 * the key ID is not the one the name and key give; `ERR_KEY_UNSUPPORTED` for another type.
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const { name, type, material } = decodeKeyString(vkey, 'verifier key');
  const keyId = noteKeyId(name, type, material);
  if (vkey.split('+')[1] !== hex8(keyId)) throw snError('ERR_KEY_INVALID', 'verifier key ID does not match its key');
  const key: PublicKey = Object.freeze({ type: 'public', curve: 'Ed25519', x: material.slice() });
  return Object.freeze({ name, keyId, type, key });
}

/** A verifier's key string, `<name>+<key ID>+<base64(type || public key)>`, as Go's `NewEd25519VerifierKey`. */
export function formatVerifierKey(verifier: Pick<NoteVerifier, 'name' | 'type' | 'key'>): string {
  checkName(verifier.name);
  checkEd25519(verifier.key);
  const key = verifier.key.x;
  return `${verifier.name}+${hex8(noteKeyId(verifier.name, verifier.type, key))}+${toStdBase64(concatBytes(Uint8Array.of(verifier.type), key))}`;
}

function checkEd25519(key: PublicKey | PrivateKey): void {
  if (key.curve !== 'Ed25519' || key.x.length !== 32) throw snError('ERR_KEY_UNSUPPORTED', 'note keys are Ed25519');
}

/**
 * A note signer from an Ed25519 private key: `type` 0x01 for a log's key (the name is then the log's origin),
 * 0x04 for a witness's cosigning key.
 */
export function noteSigner(name: string, key: PrivateKey, type: NoteSignatureType = NOTE_ED25519): NoteSigner {
  checkName(name);
  checkType(type);
  checkEd25519(key);
  if (key.type !== 'private') throw snError('ERR_KEY_PRIVATE_REQUIRED', 'a note signer needs the private key');
  return Object.freeze({ name, keyId: noteKeyId(name, type, key.x), type, key });
}

/** The verifier of a signer: same name, key ID and type, the public key. */
export function noteVerifierOf(signer: NoteSigner): NoteVerifier {
  return Object.freeze({ name: signer.name, keyId: signer.keyId, type: signer.type, key: publicKeyOf(signer.key) });
}

const PRIVATE_PREFIX = 'PRIVATE+KEY+';

/**
 * Reads a signer key as Go's `note.NewSigner` accepts it: `PRIVATE+KEY+<name>+<key ID>+<base64(type || 32-byte
 * seed)>`. The key ID must be the one of the public key the seed gives (`ERR_KEY_INVALID` otherwise).
 */
export function parseSignerKey(skey: string): NoteSigner {
  if (!skey.startsWith(PRIVATE_PREFIX)) throw snError('ERR_KEY_INVALID', 'signer key does not start with PRIVATE+KEY+');
  const { name, type, material } = decodeKeyString(skey.slice(PRIVATE_PREFIX.length), 'signer key');
  // RFC 8032 §5.1.5: any 32 bytes are a seed; core derives the key from the bytes it is given.
  const seed = material.slice();
  const key = generateKey('Ed25519', { bytes: () => seed });
  const signer = noteSigner(name, key, type);
  if (skey.split('+')[3] !== hex8(signer.keyId))
    throw snError('ERR_KEY_INVALID', 'signer key ID does not match its key');
  return signer;
}

/** A signer's key string, `PRIVATE+KEY+<name>+<key ID>+<base64(type || seed)>`: secret, for files Go tools read. */
export function formatSignerKey(signer: NoteSigner): string {
  return `${PRIVATE_PREFIX}${signer.name}+${hex8(signer.keyId)}+${toStdBase64(concatBytes(Uint8Array.of(signer.type), signer.key.d))}`;
}

/** `name+keyid` as Go's errors name a key, for messages. */
export function keyLabel(k: { readonly name: string; readonly keyId: number }): string {
  return `${k.name}+${hex8(k.keyId)}`;
}

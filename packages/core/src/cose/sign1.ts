import { byteStringLength, cborHead, encodeCbor, writeByteString } from '../cbor/encode.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { getBackend } from '../crypto/index.js';
import type { PrivateKey } from '../keys/types.js';
import { signingAlgorithm } from './algorithm.js';
import { type HeaderParams, headerMap, protectedBucket } from './headers.js';
import { scratchSign1ToBeSigned } from './sig-structure.js';
import { COSE_SIGN1_TAG } from './structure.js';

/** Tag 18 and the head of a four-item array: how every tagged COSE_Sign1 starts. */
const TAGGED_FRONT = Uint8Array.of(...cborHead(6, COSE_SIGN1_TAG), ...cborHead(4, 4));
const UNTAGGED_FRONT = cborHead(4, 4);
const EMPTY_MAP = cborHead(5, 0);
const NIL = 0xf6;

/** Options for {@link signSign1}. */
export interface Sign1Options {
  /** Protected parameters; `alg` defaults to the key's algorithm and is always placed here. */
  protectedHeader?: HeaderParams;
  unprotectedHeader?: HeaderParams;
  /** Application data bound into the signature but not carried (RFC 9052 §4.3). */
  externalAad?: Uint8Array;
  /** Leave the payload out of the message (nil); the verifier must supply it. */
  detached?: boolean;
  /** Emit tag 18 (default true). */
  tagged?: boolean;
  /** Bind ECDSA hashes to their curves, as Safety Net's message types do (default true). */
  profile?: boolean;
  backend?: CryptoBackend;
}

/**
 * Signs `payload` as a COSE_Sign1 (RFC 9052 §4.2) with deterministic CBOR.
 *
 * @example
 * ```ts
 * const key = generateKey('Ed25519');
 * const msg = signSign1(utf8('hello'), key, { protectedHeader: { typ: 'application/example' } });
 * ```
 */
export function signSign1(payload: Uint8Array, key: PrivateKey, options: Sign1Options = {}): Uint8Array {
  const alg = signingAlgorithm(key, options.protectedHeader?.alg, options.profile ?? true);
  const protectedBytes = protectedBucket(options.protectedHeader, alg.id);
  const tbs = scratchSign1ToBeSigned(protectedBytes, payload, options.externalAad);
  const signature = (options.backend ?? getBackend()).sign(alg, key, tbs);
  const unprotected = options.unprotectedHeader ? encodeCbor(headerMap(options.unprotectedHeader)) : EMPTY_MAP;
  const front = options.tagged === false ? UNTAGGED_FRONT : TAGGED_FRONT;
  // Assembled from parts (each a deterministic encoding) in one allocation rather than re-encoded: this is every
  // signature's hot path.
  const out = new Uint8Array(
    front.length +
      byteStringLength(protectedBytes) +
      unprotected.length +
      (options.detached ? 1 : byteStringLength(payload)) +
      byteStringLength(signature),
  );
  out.set(front);
  let at = writeByteString(out, front.length, protectedBytes);
  out.set(unprotected, at);
  at += unprotected.length;
  if (options.detached) out[at++] = NIL;
  else at = writeByteString(out, at, payload);
  writeByteString(out, at, signature);
  return out;
}

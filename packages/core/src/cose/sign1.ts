import { cborHead, encodeCbor } from '../cbor/index.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { getBackend } from '../crypto/index.js';
import type { PrivateKey } from '../keys/types.js';
import { signingAlgorithm } from './algorithm.js';
import { type HeaderParams, headerMap, protectedBucket } from './headers.js';
import { sign1ToBeSigned } from './sig-structure.js';
import { COSE_SIGN1_TAG } from './structure.js';
import { concatBytes } from '../util/bytes.js';

const SIGN1_TAG_HEAD = cborHead(6, COSE_SIGN1_TAG);
const ARRAY_OF_FOUR = cborHead(4, 4);
const EMPTY_MAP = cborHead(5, 0);
const NIL = Uint8Array.of(0xf6);
const NO_BYTES = new Uint8Array(0);

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
  const tbs = sign1ToBeSigned(protectedBytes, payload, options.externalAad);
  const signature = (options.backend ?? getBackend()).sign(alg, key, tbs);
  const unprotected = options.unprotectedHeader ? encodeCbor(headerMap(options.unprotectedHeader)) : EMPTY_MAP;
  // Joined from parts (each a deterministic encoding) rather than re-encoded: this is every signature's hot path.
  return concatBytes(
    options.tagged === false ? NO_BYTES : SIGN1_TAG_HEAD,
    ARRAY_OF_FOUR,
    cborHead(2, protectedBytes.length),
    protectedBytes,
    unprotected,
    options.detached ? NIL : cborHead(2, payload.length),
    options.detached ? NO_BYTES : payload,
    cborHead(2, signature.length),
    signature,
  );
}

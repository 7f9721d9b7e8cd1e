import { protectedTyp } from './algorithm.js';
import { checkSignature, effectivePayload, type SignatureCheck } from './check-signature.js';
import { scratchSign1ToBeSigned } from './sig-structure.js';
import {
  COSE_SIGN1_TAG,
  type CoseDecodeOptions,
  decodeCoseArray,
  type HeaderPair,
  readHeaderPair,
  readPayload,
  readSignature,
} from './structure.js';
import type { CoseVerifyOptions } from './verify-options.js';

/** A COSE_Sign1 taken apart, not yet verified. */
export interface DecodedSign1 extends HeaderPair {
  readonly tagged: boolean;
  /** The carried payload, or null when detached. */
  readonly payload: Uint8Array | null;
  readonly signature: Uint8Array;
}

/** A verified COSE_Sign1: its parts, the payload that was signed, and which algorithm and key signed it. */
export interface VerifiedSign1 extends DecodedSign1, SignatureCheck {
  readonly payload: Uint8Array;
}

/** Decodes a COSE_Sign1 (tagged or not, per `options.tag`) without verifying it. */
export function decodeSign1(bytes: Uint8Array, options: CoseDecodeOptions = {}): DecodedSign1 {
  return readSign1(bytes, options, false);
}

/**
 * {@link decodeSign1} for a message that is verified within one call and dropped: its byte strings are views into
 * `bytes` and its protected map may be shared with earlier calls, so nothing of it may be modified or reach a
 * caller (a message type's verification hands out only what it derives: claims, algorithm, key, a copy of the kid).
 */
export function decodeSign1Transient(bytes: Uint8Array, options: CoseDecodeOptions = {}): DecodedSign1 {
  return readSign1(bytes, options, true);
}

function readSign1(bytes: Uint8Array, options: CoseDecodeOptions, transient: boolean): DecodedSign1 {
  const { items, tagged } = decodeCoseArray(bytes, COSE_SIGN1_TAG, 4, options, transient);
  const { protectedBytes, protectedHeader, unprotectedHeader } = readHeaderPair(items, options.decode, transient);
  const payload = readPayload(items[2]);
  const signature = readSignature(items[3]);
  return { protectedBytes, protectedHeader, unprotectedHeader, tagged, payload, signature };
}

/**
 * Verifies a COSE_Sign1 (RFC 9052 §4). Throws a typed error naming the first check that failed.
 *
 * @example
 * ```ts
 * const { payload, kid } = verifySign1(bytes, { key: publicKeyOf(key) });
 * ```
 */
export function verifySign1(input: Uint8Array | DecodedSign1, options: CoseVerifyOptions): VerifiedSign1 {
  const decoded = input instanceof Uint8Array ? decodeSign1(input, options) : input;
  const payload = effectivePayload(decoded.payload, options);
  const check = checkSignature(
    decoded,
    decoded.signature,
    () => scratchSign1ToBeSigned(decoded.protectedBytes, payload, options.externalAad),
    options,
    protectedTyp(decoded),
  );
  const { protectedBytes, protectedHeader, unprotectedHeader, tagged, signature } = decoded;
  const { alg, key, kid } = check;
  return { protectedBytes, protectedHeader, unprotectedHeader, tagged, payload, signature, alg, key, kid };
}

import { decodeCborViews } from '../cbor/decode.js';
import { type CborValue, type DecodeOptions, decodeCbor, Tagged } from '../cbor/index.js';
import { snError } from '../errors/index.js';
import { MAX_KID_BYTES } from '../keys/validate.js';
import { asHeaderMap, decodeProtected, decodeProtectedShared, HEADER, type HeaderMap } from './headers.js';

/** CBOR tags of the COSE signature structures (RFC 9052 §2). */
export const COSE_SIGN1_TAG = 18;
export const COSE_SIGN_TAG = 98;

/** How a decoder treats the outer CBOR tag: accept both forms (default), or require one. */
export type TagPolicy = 'any' | 'tagged' | 'untagged';

/** Options shared by the COSE decoders. */
export interface CoseDecodeOptions {
  /** CBOR limits for the outer structure and the protected buckets. */
  decode?: DecodeOptions;
  tag?: TagPolicy;
}

/** A header pair: the protected bucket's bytes as they enter the Sig_structure, plus both decoded buckets. */
export interface HeaderPair {
  /** Zero-length when the protected map is empty, however it was encoded (RFC 9052 §4.4). */
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: HeaderMap;
  readonly unprotectedHeader: HeaderMap;
}

/**
 * Decodes bytes into the array inside an (optional) COSE tag, enforcing the tag policy. `transient`: byte strings
 * are views into `bytes` (see `decodeCborViews`).
 */
export function decodeCoseArray(
  bytes: Uint8Array,
  expectedTag: number,
  length: number,
  options: CoseDecodeOptions = {},
  transient = false,
): { items: CborValue[]; tagged: boolean } {
  let value = (transient ? decodeCborViews : decodeCbor)(bytes, options.decode);
  let tagged = false;
  if (value instanceof Tagged) {
    if (value.tag !== expectedTag)
      throw snError('ERR_COSE_WRONG_TAG', `tag ${String(value.tag)}, expected ${expectedTag}`);
    tagged = true;
    value = value.value;
  }
  const policy = options.tag ?? 'any';
  if ((policy === 'tagged' && !tagged) || (policy === 'untagged' && tagged)) {
    throw snError('ERR_COSE_WRONG_TAG', tagged ? 'tag not allowed here' : `tag ${expectedTag} required`);
  }
  if (!Array.isArray(value) || value.length !== length) {
    throw snError('ERR_COSE_MALFORMED', `expected an array of ${length} items`);
  }
  return { items: value, tagged };
}

/**
 * Largest protected bucket accepted, in bytes (16 KiB): room for `alg`, `typ`, `kid`, `crit` and a certificate
 * chain, while a bucket stuffed to the message limit is refused before it is decoded or hashed.
 */
export const MAX_PROTECTED_HEADER_BYTES = 16_384;

/**
 * Reads `[protected bstr, unprotected map]` from the front of a COSE array. The size limits come first: a
 * protected bucket over {@link MAX_PROTECTED_HEADER_BYTES}, or a `kid` longer than any trusted key's can be
 * (`MAX_KID_BYTES`, §5.4), is `ERR_COSE_HEADER_TOO_LARGE` before a header is interpreted or a key looked up.
 * `transient`: the protected map may be shared with earlier calls (see `decodeProtectedShared`).
 */
export function readHeaderPair(items: CborValue[], decode?: DecodeOptions, transient = false): HeaderPair {
  const protectedBytes = items[0];
  if (!(protectedBytes instanceof Uint8Array)) throw snError('ERR_COSE_MALFORMED', 'protected header is not a bstr');
  if (protectedBytes.length > MAX_PROTECTED_HEADER_BYTES) {
    throw snError('ERR_COSE_HEADER_TOO_LARGE', `protected bucket over ${MAX_PROTECTED_HEADER_BYTES} bytes`);
  }
  const protectedHeader = transient
    ? decodeProtectedShared(protectedBytes, decode)
    : decodeProtected(protectedBytes, decode);
  const unprotectedHeader = asHeaderMap(items[1], 'unprotected');
  checkKidSize(protectedHeader);
  checkKidSize(unprotectedHeader);
  return {
    protectedBytes: protectedHeader.size === 0 ? new Uint8Array(0) : protectedBytes,
    protectedHeader,
    unprotectedHeader,
  };
}

function checkKidSize(map: HeaderMap): void {
  const kid = map.get(HEADER.kid);
  if (kid instanceof Uint8Array && kid.length > MAX_KID_BYTES) {
    throw snError('ERR_COSE_HEADER_TOO_LARGE', `kid longer than ${MAX_KID_BYTES} bytes`);
  }
}

/** Reads a payload slot: a bstr, or nil for a detached payload. */
export function readPayload(value: CborValue): Uint8Array | null {
  if (value === null) return null;
  if (!(value instanceof Uint8Array)) throw snError('ERR_COSE_MALFORMED', 'payload is neither bstr nor nil');
  return value;
}

/** Reads a signature slot. */
export function readSignature(value: CborValue): Uint8Array {
  if (!(value instanceof Uint8Array)) throw snError('ERR_COSE_MALFORMED', 'signature is not a bstr');
  return value;
}

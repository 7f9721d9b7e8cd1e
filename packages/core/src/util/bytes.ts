import { snError } from '../errors/index.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const textEncoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

/** Bytes of a hex string (either case, whitespace ignored); `ERR_INPUT_INVALID` when it is not hex. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw snError('ERR_INPUT_INVALID', 'not a hex string');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64U_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64U.length; i++) B64U_INDEX[B64U.charCodeAt(i)] = i;

/** Unpadded base64url (RFC 4648 §5) of `bytes`. */
export function toBase64Url(bytes: Uint8Array): string {
  // The characters are gathered as codes and made into a string in one call per chunk: growing a string by
  // concatenation allocates a new one at every step, which a verifier pays for every digest it reads.
  const full = bytes.length - (bytes.length % 3);
  const rest = bytes.length - full;
  const codes: number[] = new Array((full / 3) * 4 + (rest === 0 ? 0 : rest + 1));
  let at = 0;
  for (let i = 0; i < full; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    codes[at++] = B64U_CODES[n >> 18]!;
    codes[at++] = B64U_CODES[(n >> 12) & 63]!;
    codes[at++] = B64U_CODES[(n >> 6) & 63]!;
    codes[at++] = B64U_CODES[n & 63]!;
  }
  if (rest > 0) {
    const n = (bytes[full]! << 16) | (rest === 2 ? bytes[full + 1]! << 8 : 0);
    codes[at++] = B64U_CODES[n >> 18]!;
    codes[at++] = B64U_CODES[(n >> 12) & 63]!;
    if (rest === 2) codes[at++] = B64U_CODES[(n >> 6) & 63]!;
  }
  return fromCharCodes(codes);
}

const B64U_CODES = Array.from(B64U, (c) => c.charCodeAt(0));
/** Arguments per `String.fromCharCode` call, well under every engine's limit. */
const CHAR_CODE_CHUNK = 8192;

function fromCharCodes(codes: number[]): string {
  if (codes.length <= CHAR_CODE_CHUNK) return String.fromCharCode.apply(null, codes);
  let out = '';
  for (let i = 0; i < codes.length; i += CHAR_CODE_CHUNK) {
    out += String.fromCharCode.apply(null, codes.slice(i, i + CHAR_CODE_CHUNK));
  }
  return out;
}

/**
 * Bytes of unpadded base64url; `ERR_INPUT_INVALID` on any other alphabet, padding, a dangling character, or stray
 * low bits in the last character (so that every byte string has exactly one text).
 */
export function fromBase64Url(text: string): Uint8Array {
  if (text.length % 4 === 1) throw snError('ERR_INPUT_INVALID', 'not unpadded base64url');
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? B64U_INDEX[code]! : -1;
    if (v < 0) throw snError('ERR_INPUT_INVALID', 'not unpadded base64url');
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw snError('ERR_INPUT_INVALID', 'non-canonical base64url');
  return bytes;
}

/** Up to this many characters, ASCII text is converted by hand: its bytes then fit in a small on-heap array. */
const SHORT_ASCII = 64;

/** UTF-8 bytes of a string (a lone surrogate becomes U+FFFD, as with TextEncoder). */
export function utf8(text: string): Uint8Array {
  // Short ids and names are the common case; a call into TextEncoder, and the off-heap buffer it returns, cost
  // several times more than this loop.
  // Anything else (long text, or a non-string from untyped callers) gets TextEncoder's exact behaviour.
  if (typeof text !== 'string' || text.length > SHORT_ASCII) return textEncoder.encode(text);
  const n = text.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return textEncoder.encode(text);
    out[i] = c;
  }
  return out;
}

/** The string of UTF-8 bytes; `ERR_INPUT_INVALID` on invalid UTF-8. */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw snError('ERR_INPUT_INVALID', 'invalid UTF-8');
  }
}

/** Concatenation of byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return joinBytes(parts);
}

/**
 * Concatenation of a list of byte arrays, however long: for data that arrives in many pieces (a streamed body may
 * come in hundreds of thousands of chunks, too many to spread into the arguments of {@link concatBytes}).
 */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Byte-wise equality (not constant-time: never use it to compare secrets). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order, as RFC 8949 §4.2.1 sorts map keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

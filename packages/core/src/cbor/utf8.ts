/**
 * UTF-8 for CBOR text strings. Short strings are converted by hand (a call into TextEncoder/TextDecoder costs more
 * than the loop); long ones go to the platform codecs. Both directions are strict: lone surrogates cannot be
 * encoded and invalid UTF-8 cannot be decoded, instead of being replaced by U+FFFD.
 */

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF as part of the string instead of silently dropping it.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /\p{Surrogate}/u;
/** Up to this many UTF-16 units (encoding) or bytes (decoding) the hand-written loop beats the platform call. */
const SHORT_ENCODE = 64;
const SHORT_DECODE = 16;

/**
 * Writes the UTF-8 of `s` into `buf` at `pos` (room for 3 bytes per UTF-16 unit must be there). Returns the number
 * of bytes written, or -1 when `s` holds a lone surrogate.
 */
export function writeUtf8(s: string, buf: Uint8Array, pos: number): number {
  const n = s.length;
  if (n > SHORT_ENCODE) {
    if (LONE_SURROGATE.test(s)) return -1;
    return encoder.encodeInto(s, buf.subarray(pos)).written;
  }
  let p = pos;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[p++] = c;
    } else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const low = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || low < 0xdc00 || low > 0xdfff) return -1;
      i++;
      c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      buf[p++] = 0xf0 | (c >> 18);
      buf[p++] = 0x80 | ((c >> 12) & 0x3f);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    } else {
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p - pos;
}

/** Longest ASCII text looked up among the strings read before. */
const RECALLED = 64;
/** Strings read before, by a hash of their bytes: two per hash, in adjacent slots. */
const recalled: (string | undefined)[] = new Array(512).fill(undefined);

/**
 * The string of the UTF-8 bytes `buf[start, end)`, or undefined when they are not valid UTF-8. Pure ASCII is
 * read directly; anything else is validated by the platform's fatal decoder. Messages repeat the same short texts
 * (claim names, issuers, enumerated values) message after message, so short ASCII text that matches a string read
 * before is that string again, with nothing decoded or allocated.
 */
export function readUtf8(buf: Uint8Array, start: number, end: number): string | undefined {
  if (end - start <= RECALLED) {
    // Two slots per hash, the latest string first: two texts of one message that share a hash (one in a few
    // hundred) both stay recalled instead of pushing each other out, message after message.
    const slot = recallSlot(buf, start, end);
    const latest = recalled[slot];
    if (latest !== undefined && sameAscii(latest, buf, start, end)) return latest;
    const before = recalled[slot + 1];
    if (before !== undefined && sameAscii(before, buf, start, end)) return before;
    if (isAscii(buf, start, end)) {
      const text =
        end - start <= SHORT_DECODE ? asciiString(buf, start, end) : decoder.decode(buf.subarray(start, end));
      recalled[slot + 1] = latest;
      recalled[slot] = text;
      return text;
    }
  }
  try {
    return decoder.decode(buf.subarray(start, end));
  } catch {
    return undefined;
  }
}

/** Bytes hashed at each end of a text to find its slot. */
const HASHED_ENDS = 4;

/**
 * The first of the two slots of `buf[start, end)` in the recall table, from its length and the bytes at its ends:
 * texts of one length differ at their ends (ids, names), and a recalled text is compared in full anyway.
 */
function recallSlot(buf: Uint8Array, start: number, end: number): number {
  let hash = end - start;
  const head = Math.min(end, start + HASHED_ENDS);
  for (let i = start; i < head; i++) hash = (Math.imul(hash, 31) + buf[i]!) | 0;
  for (let i = Math.max(head, end - HASHED_ENDS); i < end; i++) hash = (Math.imul(hash, 31) + buf[i]!) | 0;
  return (hash ^ (hash >>> 9)) & (recalled.length - 2);
}

function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return false;
  return true;
}

function sameAscii(text: string, buf: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = start; i < end; i++) if (text.charCodeAt(i - start) !== buf[i]) return false;
  return true;
}

function asciiString(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

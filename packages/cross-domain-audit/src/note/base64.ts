import { fromBase64Url, toBase64Url } from '@safety-net/core';

// Padded standard base64 (RFC 4648 §4), the only alphabet of signed notes, checkpoints and witness requests.
const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes as padded standard base64. */
export function toStdBase64(bytes: Uint8Array): string {
  const text = toBase64Url(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

/**
 * Padded standard base64 to bytes, or undefined for anything else: another alphabet, missing padding, or stray
 * bits in the last character (so that one byte string has exactly one text, as in Go's strict decoder).
 */
export function fromStdBase64(text: string): Uint8Array | undefined {
  if (!STANDARD.test(text)) return undefined;
  try {
    return fromBase64Url(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
  } catch {
    // The pattern admits only the alphabet and padding: what core still refuses is stray low bits.
    return undefined;
  }
}

import { snError } from '../errors/index.js';
import { fromBase64Url, toBase64Url } from '../util/bytes.js';

/** The HTTP header field that carries ECTs. */
export const EXECUTION_CONTEXT_HEADER = 'Execution-Context';

/** Limits on a received field value. */
export const EXECUTION_CONTEXT_LIMITS = { maxLength: 65_536, maxTokens: 100 } as const;

/** Optional whitespace at either end of a list member. */
const OWS_AROUND = /^[ \t]+|[ \t]+$/g;

/** One token from the header: a compact JWS, or the bytes of a COSE_Sign1. */
export type CarriedEct =
  | { readonly format: 'jws'; readonly token: string }
  | { readonly format: 'cose'; readonly bytes: Uint8Array };

/**
 * The field value for one or more ECTs: compact JWS as they are, COSE_Sign1 bytes as unpadded base64url, joined
 * by ", " (RFC 9110 §5.3 list syntax).
 */
export function formatExecutionContext(tokens: ReadonlyArray<string | Uint8Array>): string {
  return tokens.map((t) => (typeof t === 'string' ? t : toBase64Url(t))).join(', ');
}

/**
 * Parses the field value(s) — one string as `Headers.get` returns it, or the separate field lines — into tokens.
 * A JWS is recognised by its two dots; anything else must be base64url of a COSE_Sign1. Malformed or oversized
 * values give `ERR_ECT_HEADER_INVALID`.
 */
export function parseExecutionContext(value: string | readonly string[] | null | undefined): CarriedEct[] {
  if (value === null || value === undefined) return [];
  const lines = typeof value === 'string' ? [value] : value;
  let length = 0;
  for (const l of lines) length += l.length;
  if (length > EXECUTION_CONTEXT_LIMITS.maxLength) throw snError('ERR_ECT_HEADER_INVALID', 'field value too long');
  // Only optional whitespace (spaces and tabs, RFC 9110 §5.6.3) is removed around a member; empty members are
  // ignored, as RFC 9110 §5.6.1.2 asks of recipients. Other whitespace stays and makes the member invalid.
  const items = lines
    .flatMap((l) => l.split(','))
    .map((s) => s.replace(OWS_AROUND, ''))
    .filter((s) => s !== '');
  if (items.length > EXECUTION_CONTEXT_LIMITS.maxTokens) throw snError('ERR_ECT_HEADER_INVALID', 'too many tokens');
  return items.map((item): CarriedEct => {
    const dots = item.split('.').length - 1;
    if (dots === 2) return { format: 'jws', token: item };
    if (dots !== 0) throw snError('ERR_ECT_HEADER_INVALID', 'neither a compact JWS nor base64url');
    try {
      return { format: 'cose', bytes: fromBase64Url(item) };
    } catch (e) {
      throw snError('ERR_ECT_HEADER_INVALID', 'not base64url', { cause: e });
    }
  });
}

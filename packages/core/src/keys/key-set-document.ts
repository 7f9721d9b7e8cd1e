import { type CborValue, decodeCbor } from '../cbor/index.js';
import { type ErrorCode, isSafetyNetError, snError } from '../errors/index.js';
import { parseStrictJson } from '../messages/strict-json.js';
import { fromUtf8 } from '../util/bytes.js';
import { keyFromCoseKey } from './cose-key.js';
import { keyFromJwk } from './jwk.js';
import { KeySet } from './resolver.js';
import type { Key } from './types.js';

/** The two published forms of a key set: a JWK Set (RFC 7517 §5) or a COSE_KeySet (RFC 9052 §7). */
export type KeySetFormat = 'jwks' | 'cose';

/** Media types of the two forms, as sent in `Accept`. */
export const KEY_SET_MEDIA_TYPE: Readonly<Record<KeySetFormat, string>> = {
  jwks: 'application/jwk-set+json',
  cose: 'application/cose-key-set',
};

/** A key of the document that was not used, by its position in the document, and why. */
export interface SkippedKey {
  /** Position of the key in the document's list (from 0). */
  readonly index: number;
  /** Why it was skipped: `ERR_KEY_UNSUPPORTED`, or `ERR_KEY_INVALID` for a malformed or repeated key. */
  readonly code: ErrorCode;
}

/** What a key set document gives: the resolver of its usable keys, and the keys it skipped. */
export interface ParsedKeySet {
  readonly keys: KeySet;
  readonly skipped: readonly SkippedKey[];
}

/** Limits on a key set document. */
export interface KeySetDocumentLimits {
  readonly maxKeys: number;
  readonly issuers: readonly string[];
}

/** Depth of a JWK Set: the set, its `keys`, a JWK, a `key_ops` list, plus room for members we ignore. */
const JWKS_MAX_DEPTH = 8;

function invalid(detail: string, cause?: unknown): never {
  throw snError('ERR_KEY_SET_INVALID', detail, cause === undefined ? undefined : { cause });
}

/** The entries of a JWK Set: `{ "keys": [...] }`, read as strictly as a JWS (no duplicate members, no `__proto__`). */
function jwksEntries(body: Uint8Array): readonly unknown[] {
  let text: string;
  try {
    text = fromUtf8(body);
  } catch (e) {
    invalid('JWK Set is not UTF-8', e);
  }
  const parsed = parseStrictJson(text, JWKS_MAX_DEPTH);
  if (!parsed.ok) invalid(`JWK Set is not strict JSON (${parsed.problem.kind})`);
  const doc = parsed.value;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) invalid('JWK Set is not a JSON object');
  const keys = (doc as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) invalid('JWK Set has no "keys" array');
  return keys;
}

/** The entries of a COSE_KeySet: a non-empty CBOR array (`[+ COSE_Key]`), decoded strictly. */
function coseEntries(body: Uint8Array): readonly CborValue[] {
  let doc: CborValue;
  try {
    doc = decodeCbor(body, { maxBytes: body.length });
  } catch (e) {
    invalid('COSE_KeySet is not valid CBOR', e);
  }
  if (!Array.isArray(doc) || doc.length === 0) invalid('COSE_KeySet is not a non-empty array');
  return doc;
}

function keyOf(entry: unknown, format: KeySetFormat): Key {
  if (format === 'jwks') return keyFromJwk(entry);
  if (!(entry instanceof Map)) throw snError('ERR_KEY_INVALID', 'COSE_Key is not a map');
  return keyFromCoseKey(entry);
}

/**
 * The keys of a fetched key set document, bound to `issuers`. The document as a whole must be well formed
 * (`ERR_KEY_SET_INVALID`); a key in it that is unsupported or malformed, or repeats an earlier key or kid, is
 * skipped (RFC 7517 §5: implementations SHOULD ignore JWKs they do not understand) and reported in `skipped`.
 */
export function parseKeySetDocument(
  body: Uint8Array,
  format: KeySetFormat,
  limits: KeySetDocumentLimits,
): ParsedKeySet {
  const entries = format === 'jwks' ? jwksEntries(body) : coseEntries(body);
  if (entries.length > limits.maxKeys) invalid(`${entries.length} keys, limit ${limits.maxKeys}`);
  const keys = new KeySet();
  const skipped: SkippedKey[] = [];
  entries.forEach((entry, index) => {
    try {
      keys.add({ key: keyOf(entry, format), issuers: limits.issuers });
    } catch (e) {
      if (!isSafetyNetError(e)) throw e;
      skipped.push({ index, code: e.code as ErrorCode });
    }
  });
  return { keys, skipped };
}

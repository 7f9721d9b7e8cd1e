import { type CborValue, type ClaimCodec, fromBase64Url, jsonValue, snError, toBase64Url } from '@safety-net/core';
import * as z from 'zod';

/** Bytes in the JSON form of a nested map: unpadded base64url text (core refuses padding and stray bits). */
export const Base64UrlTextSchema = z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url');

/**
 * The codec of a list of maps whose named members hold bytes (a bstr or a list of bstr) in CBOR and base64url
 * text in JSON, every other member being a plain JSON value: the policy's operator keys and revoked key ids.
 */
export function bytesMembers(...members: readonly string[]): ClaimCodec {
  const names = new Set(members);
  // A member is one value or a list of them; `convert` refuses a value of the wrong kind.
  const member = (value: unknown, convert: (v: unknown) => unknown): unknown =>
    Array.isArray(value) ? value.map((v) => member(v, convert)) : convert(value);
  return {
    toCbor: (list) =>
      (list as Record<string, unknown>[]).map((entry) =>
        Object.fromEntries(
          Object.entries(entry).map(([k, v]) => [k, names.has(k) ? member(v, (t) => fromBase64Url(t as string)) : v]),
        ),
      ) as CborValue,
    fromCbor: (list) => {
      if (!Array.isArray(list)) throw snError('ERR_CLAIMS_INVALID', 'expected an array');
      const asText = (b: unknown) => {
        if (!(b instanceof Uint8Array)) throw snError('ERR_CLAIMS_INVALID', 'expected a byte string');
        return toBase64Url(b);
      };
      return jsonValue.fromCbor(
        list.map((entry) =>
          entry instanceof Map
            ? new Map([...entry].map(([k, v]) => [k, typeof k === 'string' && names.has(k) ? member(v, asText) : v]))
            : entry,
        ) as CborValue,
      );
    },
  };
}

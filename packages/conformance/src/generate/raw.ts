import {
  algorithmById,
  algorithmByName,
  type CborValue,
  encodeCbor,
  nobleBackend,
  type PrivateKey,
  sign1ToBeSigned,
  Tagged,
  toBase64Url,
  utf8,
} from '@safety-net/core';

/** A header bucket as a label → value list, so that vectors can hold what a conforming signer never emits. */
export type Bucket = ReadonlyArray<readonly [number | string, CborValue]>;

/**
 * A COSE_Sign1 built by hand with a real signature (noble, RFC 6979 for ECDSA, so reproducible): any headers, any
 * tag, the algorithm named explicitly so that the signature is made even when the headers do not say it.
 */
export function rawSign1(parts: {
  protected: Bucket;
  unprotected?: Bucket;
  payload: Uint8Array;
  key: PrivateKey;
  alg: number;
  aad?: Uint8Array;
  tag?: number | null;
}): Uint8Array {
  const protectedBytes = parts.protected.length === 0 ? new Uint8Array(0) : encodeCbor(new Map(parts.protected));
  const tbs = sign1ToBeSigned(protectedBytes, parts.payload, parts.aad);
  const signature = nobleBackend.sign(algorithmById(parts.alg), parts.key, tbs);
  const body = [protectedBytes, new Map(parts.unprotected ?? []), parts.payload, signature];
  const tag = parts.tag === undefined ? 18 : parts.tag;
  return encodeCbor(tag === null ? body : new Tagged(tag, body));
}

/** The same message with the last byte of its signature flipped. */
export function flipLastByte(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out[out.length - 1]! ^= 0x01;
  return out;
}

/** A compact JWS built by hand (noble signer): any header, the algorithm named explicitly. */
export function rawJws(header: Record<string, unknown>, payload: unknown, key: PrivateKey, algName: string): string {
  return rawJwsText(header, JSON.stringify(payload), key, algName);
}

/** {@link rawJws} over payload text given verbatim, so that vectors can hold JSON spellings `stringify` never writes. */
export function rawJwsText(header: Record<string, unknown>, payload: string, key: PrivateKey, algName: string): string {
  const input = `${toBase64Url(utf8(JSON.stringify(header)))}.${toBase64Url(utf8(payload))}`;
  return `${input}.${toBase64Url(nobleBackend.sign(algorithmByName(algName), key, utf8(input)))}`;
}

/**
 * The CBOR data model as JavaScript values. Scalars map to their natural JS types; the three classes below carry
 * what JS has no native type for, so that decoding and re-encoding reproduces the input bytes.
 */

/**
 * A tagged data item (RFC 8949 §3.4). The codec never interprets tags: tag 0/1 stay `Tagged`, not `Date`, and
 * tag 2/3 bignums stay `Tagged` on decode. Tag numbers decode as `number` when they are safe integers, else `bigint`.
 *
 * @example
 * ```ts
 * encodeCbor(new Tagged(18, [protectedBytes, new Map(), payload, signature])); // a tagged COSE_Sign1
 * ```
 */
export class Tagged {
  constructor(
    readonly tag: number | bigint,
    readonly value: CborValue,
  ) {}
}

/**
 * A simple value (major type 7) other than false, true, null and undefined: 0–19 or 32–255 (RFC 8949 §3.3).
 *
 * @example
 * ```ts
 * encodeCbor(new Simple(16)); // f0
 * ```
 */
export class Simple {
  constructor(readonly value: number) {}
}

/**
 * A number that is encoded as a CBOR float even when its value is an integer. A JS number cannot tell `1.0` from
 * `1`, so the decoder returns integral floats (other than -0) as `CborFloat`; plain integral numbers encode as
 * CBOR integers. A map key -0.0 is also a `CborFloat`, since a `Map` would store the number -0 as the key 0.
 *
 * @example
 * ```ts
 * encodeCbor(new CborFloat(1)); // f93c00, where encodeCbor(1) is 01
 * ```
 */
export class CborFloat {
  constructor(readonly value: number) {}
}

/** A CBOR map. Keys may be any CBOR value; maps always decode to `Map`. */
export type CborMap = Map<CborValue, CborValue>;

/**
 * Any value the codec encodes or decodes. Plain objects (prototype `Object.prototype` or `null`) encode as
 * text-keyed maps; decoding always yields `Map`.
 */
export type CborValue =
  | number
  | bigint
  | string
  | Uint8Array
  | boolean
  | null
  | undefined
  | CborValue[]
  | CborMap
  | Tagged
  | Simple
  | CborFloat
  | { readonly [key: string]: CborValue };

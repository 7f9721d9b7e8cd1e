/**
 * Safety Net's own key objects: plain data, independent of JWK or COSE_Key, of the crypto backend and of the
 * runtime. Converters in `jwk.ts` and `cose-key.ts` map them both ways.
 */

/** Curves Safety Net signs with. OKP: Ed25519, Ed448; EC2: P-256, P-384, P-521. */
export type Curve = 'Ed25519' | 'Ed448' | 'P-256' | 'P-384' | 'P-521';

interface KeyBase {
  readonly curve: Curve;
  /** OKP public key, or EC2 x coordinate (big-endian, fixed length for the curve). */
  readonly x: Uint8Array;
  /** EC2 y coordinate; absent for OKP. */
  readonly y?: Uint8Array;
  /** Key id (COSE `kid` is a byte string; a JWK `kid` string is carried as its UTF-8 bytes). */
  readonly kid?: Uint8Array;
  /** The COSE algorithm this key is restricted to, if any (COSE_Key `alg` / JWK `alg`). */
  readonly alg?: number;
}

/** A public key. */
export interface PublicKey extends KeyBase {
  readonly type: 'public';
}

/** A private key, which also carries its public part. */
export interface PrivateKey extends KeyBase {
  readonly type: 'private';
  /** OKP seed, or EC2 private scalar (big-endian, fixed length for the curve). */
  readonly d: Uint8Array;
}

/** Either kind of key. */
export type Key = PublicKey | PrivateKey;

/** Options for exporting a key as JWK or COSE_Key. */
export interface KeyExportOptions {
  /** Include the private part `d` of a private key. Default false: exports are public unless asked otherwise. */
  includePrivate?: boolean;
}

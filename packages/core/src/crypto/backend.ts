import type { PrivateKey, PublicKey } from '../keys/types.js';
import type { AlgorithmInfo } from './algorithms.js';

/**
 * A signature implementation. Two exist: `noble` (portable, everywhere) and `node` (node:crypto, much faster on
 * Node). Both are synchronous and produce interchangeable signatures: Ed25519/Ed448 byte for byte, ECDSA as the
 * fixed-length r||s form of RFC 9053 §2.1 (noble's is deterministic per RFC 6979; node's is randomised).
 */
export interface CryptoBackend {
  readonly name: 'noble' | 'node';
  /** Signs `data` (the full to-be-signed bytes; hashing is the backend's job). */
  sign(alg: AlgorithmInfo, key: PrivateKey, data: Uint8Array): Uint8Array;
  /** Verifies; false for any bad signature, never throws for a well-formed key. */
  verify(alg: AlgorithmInfo, key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean;
}

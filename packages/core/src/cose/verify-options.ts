import type { CryptoBackend } from '../crypto/backend.js';
import type { KeyResolver } from '../keys/index.js';
import type { PublicKey } from '../keys/types.js';
import type { CoseDecodeOptions } from './structure.js';

/** Options shared by {@link verifySign1} and {@link verifySign}. */
export interface CoseVerifyOptions extends CoseDecodeOptions {
  /** The key to verify with, or a resolver that finds it by kid, algorithm and issuer. */
  key: PublicKey | KeyResolver;
  /** Passed to the resolver, for trust-anchor checks. */
  issuer?: string;
  externalAad?: Uint8Array;
  /** The payload, when the message carries nil (detached content). */
  detachedPayload?: Uint8Array;
  /** Refuse `alg` outside the protected bucket (Safety Net's message types do). Default false. */
  requireProtectedAlg?: boolean;
  /** Bind ECDSA hashes to their curves. Default false: generic RFC 9052 verification. */
  profile?: boolean;
  /** Header labels beyond the RFC 9052 common ones that the caller understands when they are `crit`. */
  understoodCrit?: Iterable<number | string>;
  backend?: CryptoBackend;
}

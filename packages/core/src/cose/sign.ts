import { encodeCbor, Tagged } from '../cbor/index.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { getBackend } from '../crypto/index.js';
import { snError } from '../errors/index.js';
import type { PrivateKey } from '../keys/types.js';
import { signingAlgorithm } from './algorithm.js';
import { encodeProtected, type HeaderParams, headerMap, protectedBucket } from './headers.js';
import { signToBeSigned } from './sig-structure.js';
import { COSE_SIGN_TAG } from './structure.js';
import { decodeSign } from './verify.js';

/** One signer of a COSE_Sign: its key and its own header buckets (`alg` is added to the protected one). */
export interface Signer {
  key: PrivateKey;
  protectedHeader?: HeaderParams;
  unprotectedHeader?: HeaderParams;
}

/** Options for {@link signSign}. */
export interface SignOptions {
  /** Body parameters that apply to the content (e.g. `typ`, `contentType`). */
  protectedHeader?: HeaderParams;
  unprotectedHeader?: HeaderParams;
  externalAad?: Uint8Array;
  detached?: boolean;
  /** Emit tag 98 (default true). */
  tagged?: boolean;
  /** Bind ECDSA hashes to their curves (default true). */
  profile?: boolean;
  backend?: CryptoBackend;
}

/**
 * Signs `payload` as a COSE_Sign with one signature per signer (RFC 9052 §4.1), e.g. a quorum decision.
 *
 * @example
 * ```ts
 * const msg = signSign(payload, [{ key: alice }, { key: bob }], { protectedHeader: { typ: 'application/x' } });
 * ```
 */
export function signSign(payload: Uint8Array, signers: readonly Signer[], options: SignOptions = {}): Uint8Array {
  if (signers.length === 0) throw snError('ERR_COSE_NO_SIGNATURES', 'at least one signer is needed');
  const backend = options.backend ?? getBackend();
  const bodyProtected = encodeProtected(headerMap(options.protectedHeader));
  const signatures = signers.map((signer) => {
    const alg = signingAlgorithm(signer.key, signer.protectedHeader?.alg, options.profile ?? true);
    const signProtected = protectedBucket(signer.protectedHeader, alg.id);
    const tbs = signToBeSigned(bodyProtected, signProtected, payload, options.externalAad);
    return [signProtected, headerMap(signer.unprotectedHeader), backend.sign(alg, signer.key, tbs)];
  });
  const body = [bodyProtected, headerMap(options.unprotectedHeader), options.detached ? null : payload, signatures];
  return encodeCbor(options.tagged === false ? body : new Tagged(COSE_SIGN_TAG, body));
}

/**
 * Adds one signature to a COSE_Sign over its own body and payload (RFC 9052 §4.1: signatures are independent), e.g.
 * a party countersigning what another signed. The message's signatures are not verified here; the existing bytes
 * of the body and of every signature are kept as they are.
 *
 * @example
 * ```ts
 * const countersigned = addSignature(signedByMeter, { key: consumerKey, protectedHeader: { kid } });
 * ```
 */
export function addSignature(
  message: Uint8Array,
  signer: Signer,
  options: Pick<SignOptions, 'externalAad' | 'profile' | 'backend'> & { detachedPayload?: Uint8Array } = {},
): Uint8Array {
  const decoded = decodeSign(message);
  const payload = decoded.payload ?? options.detachedPayload;
  if (payload === undefined) throw snError('ERR_COSE_PAYLOAD_MISSING');
  const alg = signingAlgorithm(signer.key, signer.protectedHeader?.alg, options.profile ?? true);
  const signProtected = protectedBucket(signer.protectedHeader, alg.id);
  const tbs = signToBeSigned(decoded.protectedBytes, signProtected, payload, options.externalAad);
  const signature = (options.backend ?? getBackend()).sign(alg, signer.key, tbs);
  const signatures = [
    ...decoded.signatures.map((s) => [s.protectedBytes, s.unprotectedHeader, s.signature]),
    [signProtected, headerMap(signer.unprotectedHeader), signature],
  ];
  const body = [decoded.protectedBytes, decoded.unprotectedHeader, decoded.payload, signatures];
  return encodeCbor(decoded.tagged ? new Tagged(COSE_SIGN_TAG, body) : body);
}

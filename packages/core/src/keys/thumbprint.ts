import { type CborValue, encodeCbor } from '../cbor/index.js';
import { CURVES } from '../crypto/algorithms.js';
import { sha256 } from '../crypto/sha256.js';
import { snError } from '../errors/index.js';
import { toBase64Url, utf8 } from '../util/bytes.js';
import { COSE_KEY_LABEL, COSE_KTY } from './cose-key.js';
import type { Key } from './types.js';

const jwkThumbprints = new WeakMap<Key, string>();
const coseThumbprints = new WeakMap<Key, Uint8Array>();

function factsOf(key: Key) {
  const facts = CURVES[key.curve];
  if (!facts) throw snError('ERR_KEY_UNSUPPORTED', `curve ${String(key.curve)}`);
  return facts;
}

/**
 * The RFC 7638 JWK thumbprint: base64url SHA-256 of the required members in lexicographic order, no whitespace
 * (`crv`, `kty`, `x` for OKP per RFC 8037 §2; plus `y` for EC). The same for a private key and its public half.
 *
 * @example
 * ```ts
 * const kid = jwkThumbprint(key); // e.g. 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'
 * ```
 */
export function jwkThumbprint(key: Key): string {
  let thumbprint = jwkThumbprints.get(key);
  if (thumbprint === undefined) {
    const facts = factsOf(key);
    // Member names and values are ASCII without characters JSON escapes, so JSON.stringify is the canonical form.
    const required = {
      crv: key.curve,
      kty: facts.kty === 'OKP' ? 'OKP' : 'EC',
      x: toBase64Url(key.x),
      ...(facts.kty === 'EC2' ? { y: toBase64Url(key.y!) } : {}),
    };
    thumbprint = toBase64Url(sha256(utf8(JSON.stringify(required))));
    jwkThumbprints.set(key, thumbprint);
  }
  return thumbprint;
}

/**
 * The RFC 9679 COSE_Key thumbprint: SHA-256 of the deterministic CBOR of the required parameters only (kty, crv, x
 * for OKP; kty, crv, x, y for EC2). Usable as a COSE `kid` that names the key without a registry.
 *
 * @example
 * ```ts
 * const bytes = ect.sign(claims, key, { kid: 'thumbprint' }); // kid = coseKeyThumbprint(key)
 * ```
 */
export function coseKeyThumbprint(key: Key): Uint8Array {
  let thumbprint = coseThumbprints.get(key);
  if (thumbprint === undefined) {
    const facts = factsOf(key);
    const required = new Map<number, CborValue>([
      [COSE_KEY_LABEL.kty, COSE_KTY[facts.kty]],
      [COSE_KEY_LABEL.crv, facts.coseCrv],
      [COSE_KEY_LABEL.x, key.x],
    ]);
    if (facts.kty === 'EC2') required.set(COSE_KEY_LABEL.y, key.y!);
    thumbprint = sha256(encodeCbor(required));
    coseThumbprints.set(key, thumbprint);
  }
  return thumbprint.slice();
}

import type * as NodeCrypto from 'node:crypto';
import { snError } from '../errors/index.js';
import type { Key, PrivateKey, PublicKey } from '../keys/types.js';
import { toBase64Url } from '../util/bytes.js';
import { type AlgorithmInfo, CURVES, signatureLength } from './algorithms.js';
import type { CryptoBackend } from './backend.js';
import { assertKeyShape } from './key-shape.js';

type NodeCryptoModule = typeof NodeCrypto;

/** What node:crypto's `sign` / `verify` take as the key: a KeyObject (EdDSA) or KeyObject + P1363 form (ECDSA). */
type NodeKey = NodeCrypto.KeyObject | { key: NodeCrypto.KeyObject; dsaEncoding: 'ieee-p1363' };

const NODE_HASH = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;

/**
 * node:crypto when the runtime offers it (Node ≥ 20.16, Deno, Bun), found at run time rather than imported, so
 * that bundles for browsers and edge runtimes never see a `node:` import.
 */
function loadNodeCrypto(): NodeCryptoModule | undefined {
  try {
    const mod = globalThis.process?.getBuiltinModule?.('node:crypto') as NodeCryptoModule | undefined;
    return typeof mod?.sign === 'function' && typeof mod.createPublicKey === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}

/** A view of a Buffer as a plain Uint8Array (same memory), so results compare equal to noble's. */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The JWK node:crypto imports; built here rather than through `keyToJwk` to keep this module free of key parsing. */
function nodeJwk(key: Key, includePrivate: boolean): NodeCrypto.JsonWebKey {
  const facts = CURVES[key.curve];
  return {
    kty: facts.kty === 'OKP' ? 'OKP' : 'EC',
    crv: key.curve,
    x: toBase64Url(key.x),
    ...(key.y ? { y: toBase64Url(key.y) } : {}),
    ...(includePrivate ? { d: toBase64Url((key as PrivateKey).d) } : {}),
  };
}

function createNodeBackend(crypto: NodeCryptoModule): CryptoBackend {
  // Importing a JWK costs far more than an Ed25519 signature, so each key object is imported once. Keys are
  // immutable data: the cache is keyed by the object, and a new object (e.g. with another kid) is imported anew.
  const privateKeys = new WeakMap<Key, NodeKey>();
  const publicKeys = new WeakMap<Key, NodeKey>();

  const wrap = (key: Key, object: NodeCrypto.KeyObject): NodeKey =>
    CURVES[key.curve].kty === 'EC2' ? { key: object, dsaEncoding: 'ieee-p1363' } : object;

  function privateKeyOf(key: PrivateKey): NodeKey {
    let imported = privateKeys.get(key);
    if (!imported) {
      try {
        imported = wrap(key, crypto.createPrivateKey({ key: nodeJwk(key, true), format: 'jwk' }));
      } catch (e) {
        throw snError('ERR_KEY_INVALID', 'node:crypto refused the private key', { cause: e });
      }
      privateKeys.set(key, imported);
    }
    return imported;
  }

  function publicKeyOf(key: PublicKey): NodeKey {
    let imported = publicKeys.get(key);
    if (!imported) {
      try {
        imported = wrap(key, crypto.createPublicKey({ key: nodeJwk(key, false), format: 'jwk' }));
      } catch (e) {
        throw snError('ERR_KEY_INVALID', 'node:crypto refused the public key', { cause: e });
      }
      publicKeys.set(key, imported);
    }
    return imported;
  }

  const hashOf = (alg: AlgorithmInfo): string | null => (alg.hash ? NODE_HASH[alg.hash] : null);

  return Object.freeze({
    name: 'node' as const,

    sign(alg: AlgorithmInfo, key: PrivateKey, data: Uint8Array): Uint8Array {
      assertKeyShape(alg, key, true);
      return plain(crypto.sign(hashOf(alg), data, privateKeyOf(key)));
    },

    verify(alg: AlgorithmInfo, key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean {
      assertKeyShape(alg, key, false);
      if (!(signature instanceof Uint8Array) || signature.length !== signatureLength(alg, key.curve)) return false;
      const nodeKey = publicKeyOf(key);
      try {
        return crypto.verify(hashOf(alg), data, nodeKey, signature);
      } catch {
        return false;
      }
    },
  });
}

let cached: CryptoBackend | null | undefined;

/**
 * The native backend on node:crypto (OpenSSL): an order of magnitude faster than noble for Ed25519 and P-256.
 * Undefined where the runtime has no node:crypto. ECDSA signatures are randomised (not RFC 6979) but have the same
 * r||s form, and each backend verifies the other's.
 *
 * @example
 * ```ts
 * const backend = nodeBackend() ?? nobleBackend;
 * ```
 */
export function nodeBackend(): CryptoBackend | undefined {
  if (cached === undefined) {
    const crypto = loadNodeCrypto();
    cached = crypto ? createNodeBackend(crypto) : null;
  }
  return cached ?? undefined;
}

export { assertKeyFitsAlgorithm, type KeyFitOptions } from './algorithm-fit.js';
export { type AsyncKeyResolver, isAsyncKeyResolver } from './async-resolver.js';
export {
  COSE_KEY_LABEL,
  COSE_KTY,
  encodeCoseKey,
  keyFromCoseKey,
  keyToCoseKey,
  MAX_COSE_KEY_BYTES,
} from './cose-key.js';
export type { FetchLike } from './fetch-key-set.js';
export { generateKey, publicKeyOf } from './generate.js';
export { type Jwk, keyFromJwk, keyToJwk } from './jwk.js';
export { KEY_SET_MEDIA_TYPE, type KeySetFormat, type SkippedKey } from './key-set-document.js';
export {
  RemoteKeySet,
  type RemoteKeySetOptions,
  type RemoteKeySetStatus,
  remoteKeySet,
} from './remote-key-set.js';
export { type KeyRequest, type KeyResolver, KeySet, type KeySetEntry, keySet, singleKey } from './resolver.js';
export { coseKeyThumbprint, jwkThumbprint } from './thumbprint.js';
export type { Curve, Key, KeyExportOptions, PrivateKey, PublicKey } from './types.js';
export { MAX_KID_BYTES } from './validate.js';

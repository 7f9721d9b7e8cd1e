export { assertKeyFitsAlgorithm, type KeyFitOptions } from './algorithm-fit.js';
export {
  COSE_KEY_LABEL,
  COSE_KTY,
  encodeCoseKey,
  keyFromCoseKey,
  keyToCoseKey,
  MAX_COSE_KEY_BYTES,
} from './cose-key.js';
export { generateKey, publicKeyOf } from './generate.js';
export { type Jwk, keyFromJwk, keyToJwk } from './jwk.js';
export { type KeyRequest, type KeyResolver, KeySet, type KeySetEntry, keySet, singleKey } from './resolver.js';
export { coseKeyThumbprint, jwkThumbprint } from './thumbprint.js';
export type { Curve, Key, KeyExportOptions, PrivateKey, PublicKey } from './types.js';
export { MAX_KID_BYTES } from './validate.js';

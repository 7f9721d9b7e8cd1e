export {
  ALGORITHMS,
  type AlgorithmInfo,
  type AlgorithmName,
  algorithmById,
  algorithmByJoseName,
  algorithmByName,
  CURVES,
  defaultAlgorithm,
  type JoseAlgorithmName,
  signatureLength,
} from './algorithms.js';
export type { CryptoBackend } from './backend.js';
export { nobleBackend } from './noble-backend.js';
export { nodeBackend } from './node-backend.js';
export { type BackendChoice, backendByName, getBackend, setDefaultBackend } from './select.js';
export { sha256 } from './sha256.js';

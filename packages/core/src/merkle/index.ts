export {
  type ConsistencyProof,
  type ConsistencyRoots,
  consistencyProof,
  consistencyProofFromLeafHashes,
  consistencyRoots,
  verifyConsistency,
} from './consistency.js';
export { MERKLE_HASH_LENGTH, merkleLeafHash, merkleNodeHash } from './hash.js';
export { inclusionProof, inclusionProofFromLeafHashes, merkleRoot, merkleRootFromLeafHashes } from './tree.js';
export { type InclusionProof, verifyInclusion } from './verify.js';

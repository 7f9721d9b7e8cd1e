export { type ConsistencyProof, consistencyProof, verifyConsistency } from './consistency.js';
export { MERKLE_HASH_LENGTH, merkleLeafHash, merkleNodeHash } from './hash.js';
export { inclusionProof, merkleRoot } from './tree.js';
export { type InclusionProof, verifyInclusion } from './verify.js';

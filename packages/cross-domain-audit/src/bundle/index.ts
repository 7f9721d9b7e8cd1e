export {
  type BuildProofBundleOptions,
  buildProofBundle,
  decodeProofBundle,
  encodeProofBundle,
  MAX_BUNDLE_BYTES,
  MAX_BUNDLE_ITEMS,
  PROOF_BUNDLE_MEDIA_TYPE,
  type ProofBundle,
  type ProofBundleItem,
  type ProofBundlePolicy,
  ProofBundlePolicySchema,
  type VerifiedBundleItem,
  type VerifyProofBundleOptions,
  verifyProofBundle,
} from './proof-bundle.js';
export { formatTlogProof, parseTlogProof, type TlogProof } from './tlog-proof.js';

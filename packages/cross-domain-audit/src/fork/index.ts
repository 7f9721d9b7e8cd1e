export {
  type DetectForkOptions,
  detectFork,
  type ForkFinding,
  type PrefixOfLarger,
  verifyForkFinding,
} from './detect.js';
export { type ForkEvidenceClaims, ForkEvidenceClaimsSchema, forkEvidence } from './fork-evidence.js';

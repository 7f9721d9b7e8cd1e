export { type EctClaims, EctClaimsSchema, PolicyDecisionSchema, Sha256B64uSchema } from './claims.js';
export { ectHash, matchesEctHash } from './hash.js';
export {
  type CarriedEct,
  EXECUTION_CONTEXT_HEADER,
  EXECUTION_CONTEXT_LIMITS,
  formatExecutionContext,
  parseExecutionContext,
} from './http-header.js';
export { ECT_COSE_TYP, ECT_JWT_TYP, ECT_LEGACY_JWT_TYP, ect } from './message.js';
export { DEFAULT_ECT_LIFETIME_SECONDS, type EctDraft, newEctClaims } from './new-claims.js';

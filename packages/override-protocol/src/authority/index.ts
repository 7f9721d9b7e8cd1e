export { type Authorisation, type AuthorityContext, authorizeSignal } from './evaluate.js';
export { acceptPolicy, acceptRevocation, type PolicyTrust } from './intake.js';
export { HeldPolicy, type OperatorKey } from './policy.js';
export { Revocations } from './revocations.js';
export { matchesTarget } from './target-pattern.js';
export { type VerifiedSignal, verifySignal, verifySignalJws } from './verify-signal.js';

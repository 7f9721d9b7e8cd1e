export { deriveVerdict, type IssueBetOptions, type IssuedBet, issueBet } from './issue.js';

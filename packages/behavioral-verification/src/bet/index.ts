export { BET_EXEC_ACT, betDagNode } from './dag-node.js';
export { deriveVerdict, type IssueBetOptions, type IssuedBet, issueBet } from './issue.js';

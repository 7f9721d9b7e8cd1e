import type { AnyMessageType } from '@safety-net/core';
import { acknowledgement } from './acknowledgement.js';
import { approvalDecision } from './approval-decision.js';
import { approvalRequest } from './approval-request.js';
import { authorityPolicy } from './authority-policy.js';
import { complianceEvidence } from './compliance-evidence.js';
import { escalationRecord } from './escalation-record.js';
import { handoff } from './handoff.js';
import { heartbeat } from './heartbeat.js';
import { keyRevocation } from './key-revocation.js';
import { lease } from './lease.js';
import { overrideSignal } from './override-signal.js';

export {
  type AcknowledgementClaims,
  AcknowledgementClaimsSchema,
  type AckStatus,
  AckStatusSchema,
  acknowledgement,
  type HopAck,
  HopAckSchema,
  type InFlight,
  InFlightSchema,
} from './acknowledgement.js';
export { actionDigest, checkActionDigest } from './action-digest.js';
export { type ApprovalDecisionClaims, ApprovalDecisionClaimsSchema, approvalDecision } from './approval-decision.js';
export {
  type ApprovalRequestClaims,
  ApprovalRequestClaimsSchema,
  approvalRequest,
  type Decision,
  DecisionSchema,
  MAX_APPROVAL_LIFETIME,
} from './approval-request.js';
export {
  type ApprovalRule,
  ApprovalRuleSchema,
  type AuthorityPolicyClaims,
  AuthorityPolicyClaimsSchema,
  authorityPolicy,
  type Grant,
  GrantSchema,
  MAX_POLICY_LIFETIME,
  type Operator,
  OperatorSchema,
  type RevokedKey,
  RevokedKeySchema,
  type TimeoutPolicy,
  TimeoutPolicySchema,
} from './authority-policy.js';
export {
  type ActionCall,
  ActionCallSchema,
  type ActionName,
  ActionNameSchema,
  type AgentState,
  AgentStateSchema,
  type Level,
  LevelSchema,
  type Mode,
  ModeSchema,
  type Order,
  OrderSchema,
  type PolicyRef,
  PolicyRefSchema,
} from './common.js';
export {
  type ComplianceCheck,
  ComplianceCheckSchema,
  type ComplianceEvidenceClaims,
  ComplianceEvidenceClaimsSchema,
  complianceEvidence,
  type Verdict,
  VerdictSchema,
  verdictOf,
} from './compliance-evidence.js';
export {
  assembleSignal,
  assembleSignalJws,
  cosignSignal,
  cosignSignalJws,
  type GeneralJws,
  MAX_SIGNAL_SIGNERS,
} from './cosigned-signal.js';
export {
  type EscalationRecordClaims,
  EscalationRecordClaimsSchema,
  type EscalationStep,
  EscalationStepSchema,
  escalationRecord,
} from './escalation-record.js';
export { type HandoffClaims, HandoffClaimsSchema, handoff } from './handoff.js';
export { type HeartbeatClaims, HeartbeatClaimsSchema, heartbeat } from './heartbeat.js';
export { type KeyRevocationClaims, KeyRevocationClaimsSchema, keyRevocation } from './key-revocation.js';
export { type LeaseClaims, LeaseClaimsSchema, lease, type SafeState, SafeStateSchema } from './lease.js';
export {
  type Action,
  ActionSchema,
  LEVELS_OF_ACTION,
  LIFTING_ACTIONS,
  MAX_LIFTS,
  type OverrideSignalClaims,
  OverrideSignalClaimsSchema,
  overrideSignal,
  type Scope,
  type ScopeKind,
  ScopeKindSchema,
  ScopeSchema,
} from './override-signal.js';

/** Every override-protocol message type, for a registry (`inspect`, vectors), in the order of spec §4. */
export const OVERRIDE_MESSAGE_TYPES: readonly AnyMessageType[] = [
  overrideSignal,
  acknowledgement,
  complianceEvidence,
  lease,
  heartbeat,
  approvalRequest,
  approvalDecision,
  handoff,
  authorityPolicy,
  keyRevocation,
  escalationRecord,
];

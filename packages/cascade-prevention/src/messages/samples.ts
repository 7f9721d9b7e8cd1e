/**
 * One set of sample claims per message type of this package: valid at {@link SAMPLE_NOW}, shared by the package's
 * tests and the conformance vector generator (the valid vectors are these claims signed). Spread a sample to vary
 * it; never change one in place.
 */
import type { AnyMessageType } from '@safety-net/core';
import { type CheckpointClaims, checkpoint } from './checkpoint.js';
import { type CircuitAnnouncementClaims, circuitAnnouncement } from './circuit-announcement.js';
import { type CompensationResultClaims, compensationResult } from './compensation-result.js';
import { type FailureSignalClaims, failureSignal } from './failure-signal.js';
import { type RollbackCompleteClaims, rollbackComplete } from './rollback-complete.js';
import { type RollbackPlanClaims, rollbackPlan } from './rollback-plan.js';
import { type RollbackRequestClaims, rollbackRequest } from './rollback-request.js';

/** The time every sample is valid at: 2026-03-01T00:00:00Z, in seconds. */
export const SAMPLE_NOW = 1_772_323_200;

const NOW = SAMPLE_NOW;
const COORDINATOR = 'spiffe://example.org/rollback-coordinator';
const agent = (name: string) => `spiffe://example.org/agent/${name}`;
const DIGEST_A = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
const DIGEST_B = '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU';
/** The DAG-link claims of a sample: all in one workflow. */
const link = (jti: string, pred: string[] = []) => ({ jti, wid: 'wf-order-1001', pred });

/** A Circuit State Announcement: a breaker opened on its failure rate. */
export const sampleAnnouncementClaims: CircuitAnnouncementClaims = {
  iss: agent('shipping'),
  iat: NOW,
  exp: NOW + 300,
  ...link('cp-ann-0001', ['task-shipping']),
  breaker: 'inventory-api',
  dependency: agent('inventory'),
  state: 'open',
  reason: { kind: 'failure_rate', rate: 0.75, threshold: 0.5, window: 20, calls: 20 },
  since: NOW - 2,
  seq: 7,
  retry_after: NOW + 30,
  domain: 'warehouse',
};

/** A Failure Signal: an agent unavailable until a time. */
export const sampleFailureClaims: FailureSignalClaims = {
  iss: agent('inventory'),
  iat: NOW,
  exp: NOW + 600,
  ...link('cp-fail-0001'),
  status: 'unavailable',
  since: NOW - 60,
  until: NOW + 900,
  reason: 'database failover',
};

/** A Checkpoint with a compensation and a group. */
export const sampleCheckpointClaims: CheckpointClaims = {
  iss: agent('inventory'),
  iat: NOW - 100,
  ...link('cp-ckpt-0001', ['task-inventory']),
  task: 'task-inventory',
  resource: 'stock/sku-42',
  before: DIGEST_A,
  after: DIGEST_B,
  undo: { action: 'inventory.restore', params: DIGEST_A, endpoint: 'https://inventory.example/rollback' },
  group: 'order-1001',
};

/** A Rollback Request of a task's descendants. */
export const sampleRequestClaims: RollbackRequestClaims = {
  iss: COORDINATOR,
  iat: NOW,
  ...link('cp-req-0001', ['task-inventory']),
  rollback: 'rb-1001',
  root_cause: 'task-inventory',
  scope: 'descendants',
  known_good: ['task-order'],
  reason: 'bad inventory batch',
  deadline: NOW + 600,
};

/** A Rollback Plan with a compensation and a not-reversible step. */
export const samplePlanClaims: RollbackPlanClaims = {
  iss: COORDINATOR,
  iat: NOW,
  ...link('cp-plan-0001', ['cp-req-0001']),
  rollback: 'rb-1001',
  steps: [
    {
      step: 0,
      task: 'task-payment',
      agent: agent('payment'),
      resource: 'ledger/1001',
      undo: { action: 'payment.refund', params: DIGEST_B },
      key: 'rb-1001/task-payment',
    },
    {
      step: 1,
      task: 'task-inventory',
      agent: agent('inventory'),
      resource: 'stock/sku-42',
      undo: 'not_reversible',
      key: 'rb-1001/task-inventory',
      group: 'order-1001',
    },
  ],
};

/** A Compensation Result: compensated after two attempts. */
export const sampleCompensationClaims: CompensationResultClaims = {
  iss: agent('payment'),
  iat: NOW,
  ...link('cp-comp-0001', ['task-payment', 'cp-plan-0001']),
  rollback: 'rb-1001',
  task: 'task-payment',
  key: 'rb-1001/task-payment',
  outcome: 'compensated',
  state: DIGEST_A,
  attempts: 2,
};

/** A Rollback Complete: partial, one task not reversible. */
export const sampleCompleteClaims: RollbackCompleteClaims = {
  iss: COORDINATOR,
  iat: NOW,
  ...link('cp-done-0001', ['cp-plan-0001', 'cp-comp-0001']),
  rollback: 'rb-1001',
  status: 'partial',
  compensated: ['task-payment'],
  not_reversible: ['task-inventory'],
  failed: [],
};

/** Every message type of the package with its sample claims, in the order of `CASCADE_MESSAGE_TYPES`. */
export const CASCADE_SAMPLES: readonly { readonly type: AnyMessageType; readonly claims: object }[] = [
  { type: circuitAnnouncement, claims: sampleAnnouncementClaims },
  { type: failureSignal, claims: sampleFailureClaims },
  { type: checkpoint, claims: sampleCheckpointClaims },
  { type: rollbackRequest, claims: sampleRequestClaims },
  { type: rollbackPlan, claims: samplePlanClaims },
  { type: compensationResult, claims: sampleCompensationClaims },
  { type: rollbackComplete, claims: sampleCompleteClaims },
];

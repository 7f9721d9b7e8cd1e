import { ectHash, generateKey, seededRandom } from '@safety-net/core';
import { NOW } from '../../../../test-support/time.js';
import type {
  CheckpointClaims,
  CircuitAnnouncementClaims,
  CompensationResultClaims,
  FailureSignalClaims,
  RollbackCompleteClaims,
  RollbackPlanClaims,
  RollbackRequestClaims,
} from '../../src/messages/index.js';

export { NOW } from '../../../../test-support/time.js';
export const NOW_MS = NOW * 1000;

export const hostKey = generateKey('Ed25519', seededRandom('cp-test-host'));
export const coordinatorKey = generateKey('P-256', seededRandom('cp-test-coordinator'));
export const strangerKey = generateKey('Ed25519', seededRandom('cp-test-stranger'));
export const strangerP256Key = generateKey('P-256', seededRandom('cp-test-stranger-p256'));

const link = (jti: string, pred: string[] = []) => ({ jti, wid: 'wf-supply', pred });
const COORDINATOR = 'spiffe://example.org/rollback-coordinator';

export const announcementClaims: CircuitAnnouncementClaims = {
  iss: 'spiffe://example.org/agent/shipping',
  iat: NOW,
  exp: NOW + 300,
  ...link('cp-ann-1', ['task-shipping-1']),
  breaker: 'inventory-api',
  dependency: 'spiffe://example.org/agent/inventory',
  state: 'open',
  reason: { kind: 'failure_rate', rate: 0.6, threshold: 0.5, window: 20, calls: 20 },
  since: NOW - 2,
  seq: 7,
  retry_after: NOW + 30,
  domain: 'warehouse',
};

export const failureClaims: FailureSignalClaims = {
  iss: 'spiffe://example.org/agent/inventory',
  iat: NOW,
  exp: NOW + 600,
  ...link('cp-fail-1'),
  status: 'degraded',
  since: NOW - 60,
  until: NOW + 900,
  reason: 'batch import running',
  capacity: 0.25,
};

export const checkpointClaims: CheckpointClaims = {
  iss: 'spiffe://example.org/agent/inventory',
  iat: NOW,
  ...link('cp-ckpt-1', ['task-inventory-1']),
  task: 'task-inventory-1',
  resource: 'stock/sku-42',
  before: ectHash('stock-before'),
  after: ectHash('stock-after'),
  undo: {
    action: 'inventory.restore',
    params: ectHash('restore-params'),
    endpoint: 'https://inventory.example/compensate',
  },
  group: 'order-1001',
};

export const requestClaims: RollbackRequestClaims = {
  iss: COORDINATOR,
  iat: NOW,
  ...link('cp-req-1', ['task-inventory-1']),
  rollback: 'rb-1',
  root_cause: 'task-inventory-1',
  scope: 'descendants',
  known_good: ['task-order-1'],
  reason: 'bad inventory batch',
  deadline: NOW + 120,
};

export const planClaims: RollbackPlanClaims = {
  iss: COORDINATOR,
  iat: NOW,
  ...link('cp-plan-1', ['cp-req-1']),
  rollback: 'rb-1',
  steps: [
    {
      step: 0,
      task: 'task-payment-1',
      agent: 'spiffe://example.org/agent/payment',
      resource: 'ledger/order-1001',
      undo: { action: 'payment.refund', params: ectHash('refund') },
      key: 'rb-1/task-payment-1',
    },
    {
      step: 1,
      task: 'task-inventory-1',
      agent: 'spiffe://example.org/agent/inventory',
      resource: 'stock/sku-42',
      undo: 'not_reversible',
      key: 'rb-1/task-inventory-1',
      group: 'order-1001',
    },
  ],
};

export const compensationClaims: CompensationResultClaims = {
  iss: 'spiffe://example.org/agent/payment',
  iat: NOW + 5,
  ...link('cp-comp-1', ['task-payment-1']),
  rollback: 'rb-1',
  task: 'task-payment-1',
  key: 'rb-1/task-payment-1',
  outcome: 'compensated',
  state: ectHash('ledger-restored'),
  attempts: 2,
};

export const completeClaims: RollbackCompleteClaims = {
  iss: COORDINATOR,
  iat: NOW + 10,
  ...link('cp-done-1', ['cp-plan-1', 'cp-comp-1']),
  rollback: 'rb-1',
  status: 'partial',
  compensated: ['task-payment-1'],
  not_reversible: ['task-inventory-1'],
  failed: [],
};

/**
 * `message-verify` vectors for the seven message types of @safety-net/cascade-prevention (cascade-prevention.md
 * §2): each valid in COSE and in JWT form, and the refusals their claim rules add.
 */
import { type AnyMessageType, encodeCbor, nobleBackend, type PrivateKey } from '@safety-net/core';
import {
  type CheckpointClaims,
  type CircuitAnnouncementClaims,
  type CompensationResultClaims,
  checkpoint,
  circuitAnnouncement,
  compensationResult,
  type FailureSignalClaims,
  failureSignal,
  type RollbackCompleteClaims,
  type RollbackPlanClaims,
  type RollbackRequestClaims,
  rollbackComplete,
  rollbackPlan,
  rollbackRequest,
} from '../../packages/cascade-prevention/src/messages/index.js';
import type { Vector } from '../../packages/cli/src/index.js';
import { hex, invalid, KEYS, keysOf, NOW, nameOf } from './common.js';
import { flipLastByte, rawJws, rawSign1 } from './raw.js';

const { ed25519, p256 } = KEYS;
const COORDINATOR = 'spiffe://example.org/rollback-coordinator';
const agent = (name: string) => `spiffe://example.org/agent/${name}`;
const DIGEST_A = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
const DIGEST_B = '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU';
const link = (jti: string, pred: string[] = []) => ({ jti, wid: 'wf-order-1001', pred });

const announcement = (o: Partial<CircuitAnnouncementClaims> = {}): CircuitAnnouncementClaims => ({
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
  ...o,
});

const failure = (o: Partial<FailureSignalClaims> = {}): FailureSignalClaims => ({
  iss: agent('inventory'),
  iat: NOW,
  exp: NOW + 600,
  ...link('cp-fail-0001'),
  status: 'unavailable',
  since: NOW - 60,
  until: NOW + 900,
  reason: 'database failover',
  ...o,
});

const checkpointOf = (o: Partial<CheckpointClaims> = {}): CheckpointClaims => ({
  iss: agent('inventory'),
  iat: NOW - 100,
  ...link('cp-ckpt-0001', ['task-inventory']),
  task: 'task-inventory',
  resource: 'stock/sku-42',
  before: DIGEST_A,
  after: DIGEST_B,
  undo: { action: 'inventory.restore', params: DIGEST_A, endpoint: 'https://inventory.example/rollback' },
  group: 'order-1001',
  ...o,
});

const request = (o: Partial<RollbackRequestClaims> = {}): RollbackRequestClaims => ({
  iss: COORDINATOR,
  iat: NOW,
  ...link('cp-req-0001', ['task-inventory']),
  rollback: 'rb-1001',
  root_cause: 'task-inventory',
  scope: 'descendants',
  known_good: ['task-order'],
  reason: 'bad inventory batch',
  deadline: NOW + 600,
  ...o,
});

const plan = (o: Partial<RollbackPlanClaims> = {}): RollbackPlanClaims => ({
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
  ...o,
});

const result = (o: Partial<CompensationResultClaims> = {}): CompensationResultClaims => ({
  iss: agent('payment'),
  iat: NOW,
  ...link('cp-comp-0001', ['task-payment', 'cp-plan-0001']),
  rollback: 'rb-1001',
  task: 'task-payment',
  key: 'rb-1001/task-payment',
  outcome: 'compensated',
  state: DIGEST_A,
  attempts: 2,
  ...o,
});

const complete = (o: Partial<RollbackCompleteClaims> = {}): RollbackCompleteClaims => ({
  iss: COORDINATOR,
  iat: NOW,
  ...link('cp-done-0001', ['cp-plan-0001', 'cp-comp-0001']),
  rollback: 'rb-1001',
  status: 'partial',
  compensated: ['task-payment'],
  not_reversible: ['task-inventory'],
  failed: [],
  ...o,
});

interface Case {
  readonly id: string;
  readonly description: string;
  readonly type: AnyMessageType;
  readonly input: { cose_hex: string } | { jws: string };
  readonly key: PrivateKey;
  /** The claims of a valid message, or the code of the refusal. */
  readonly claims?: object;
  readonly error?: string;
}

const ALGS = { EdDSA: -8, ES256: -7 } as const;
const algOf = (key: PrivateKey) => (key.curve === 'Ed25519' ? 'EdDSA' : 'ES256');
const sign = (type: AnyMessageType, claims: object, key: PrivateKey) =>
  type.sign(claims, key, { backend: nobleBackend });

/** A COSE message whose claims skip the signer's schema check: what a non-conforming issuer could send. */
function unchecked(type: AnyMessageType, claims: object, key: PrivateKey = ed25519): Uint8Array {
  const alg = ALGS[algOf(key)];
  return rawSign1({
    protected: [
      [1, alg],
      [4, key.kid!],
      [16, type.typ],
    ],
    payload: encodeCbor(type.toCbor(claims)),
    key,
    alg,
  });
}

/** The JWT form, by hand (the generator is synchronous; the signature is deterministic for EdDSA and RFC 6979 ES256). */
const jwt = (type: AnyMessageType, claims: object, key: PrivateKey, typ = type.jwt!.typ) =>
  rawJws({ alg: algOf(key), typ, kid: nameOf(key) }, claims, key, algOf(key));

function cases(): Case[] {
  const valid: [AnyMessageType, string, object, PrivateKey][] = [
    [circuitAnnouncement, 'Circuit State Announcement (open on failure rate)', announcement(), ed25519],
    [failureSignal, 'Failure Signal (unavailable until a time)', failure(), ed25519],
    [checkpoint, 'Checkpoint with a compensation and a group', checkpointOf(), ed25519],
    [rollbackRequest, 'Rollback Request (scope descendants)', request(), p256],
    [rollbackPlan, 'Rollback Plan with a compensation and a not-reversible step', plan(), p256],
    [compensationResult, 'Compensation Result (compensated after two attempts)', result(), ed25519],
    [rollbackComplete, 'Rollback Complete (partial: one task not reversible)', complete(), p256],
  ];
  const out: Case[] = [];
  for (const [type, what, claims, key] of valid) {
    const section = 'cascade-prevention.md §2';
    out.push({
      id: `${type.name}-valid`,
      description: `A valid ${what} in COSE form (${section}).`,
      type,
      input: { cose_hex: hex(sign(type, claims, key)) },
      key,
      claims,
    });
    out.push({
      id: `${type.name}-valid-jwt`,
      description: `The same ${what} in JWT form (${section}, core.md §6.9).`,
      type,
      input: { jws: jwt(type, claims, key) },
      key,
      claims,
    });
  }
  const refusal = (id: string, description: string, type: AnyMessageType, cose: Uint8Array, error: string): Case => ({
    id,
    description,
    type,
    input: { cose_hex: hex(cose) },
    key: ed25519,
    error,
  });
  out.push(
    refusal(
      'cp-circuit-open-without-retry-after',
      'An open breaker announced without retry_after (§2.1).',
      circuitAnnouncement,
      unchecked(circuitAnnouncement, { ...announcement(), retry_after: undefined }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-circuit-rate-without-threshold',
      'A failure_rate reason without its threshold (§2.1).',
      circuitAnnouncement,
      unchecked(circuitAnnouncement, announcement({ reason: { kind: 'failure_rate', rate: 0.75 } })),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-circuit-expired',
      'An announcement whose exp lies 31 s before now, beyond the clock skew (§2.1, core.md §6.6).',
      circuitAnnouncement,
      sign(circuitAnnouncement, announcement({ iat: NOW - 331, exp: NOW - 31 }), ed25519),
      'ERR_CLAIMS_EXPIRED',
    ),
    refusal(
      'cp-circuit-bad-signature',
      'The last signature byte of an announcement is flipped (core.md §6.5).',
      circuitAnnouncement,
      flipLastByte(sign(circuitAnnouncement, announcement(), ed25519)),
      'ERR_COSE_BAD_SIGNATURE',
    ),
    refusal(
      'cp-failure-recovered-with-until',
      'A recovered agent names an until (§2.2).',
      failureSignal,
      unchecked(failureSignal, failure({ status: 'recovered' })),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-checkpoint-undo-unknown',
      'A checkpoint whose undo is neither a compensation nor not_reversible (§2.3).',
      checkpoint,
      unchecked(checkpoint, { ...checkpointOf(), undo: 'irreversible' }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-checkpoint-as-plan',
      'A checkpoint presented as a Rollback Plan: the protected typ names another type (core.md §6.5).',
      rollbackPlan,
      sign(checkpoint, checkpointOf(), ed25519),
      'ERR_COSE_TYP_MISMATCH',
    ),
    refusal(
      'cp-rollback-request-deadline-passed',
      'A rollback request whose deadline is not after its iat (§2.4).',
      rollbackRequest,
      unchecked(rollbackRequest, request({ deadline: NOW })),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-rollback-plan-wrong-key',
      'A plan step whose idempotency key is not "<rollback>/<task>" (§2.5).',
      rollbackPlan,
      unchecked(rollbackPlan, plan({ rollback: 'rb-other' })),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-rollback-plan-steps-out-of-order',
      'Plan steps whose numbers do not increase (§2.5).',
      rollbackPlan,
      unchecked(rollbackPlan, plan({ steps: [...plan().steps].reverse() })),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-compensation-without-state',
      'A compensated result without the state digest (§2.6).',
      compensationResult,
      unchecked(compensationResult, { ...result(), state: undefined }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-rollback-complete-status-contradicts',
      'A Rollback Complete says completed while a task is not reversible (§2.7).',
      rollbackComplete,
      unchecked(rollbackComplete, complete({ status: 'completed' })),
      'ERR_CLAIMS_INVALID',
    ),
    {
      id: 'cp-checkpoint-jwt-typ-mismatch',
      description: 'A checkpoint in JWT form whose typ names the Rollback Plan (core.md §6.9 step 5).',
      type: checkpoint,
      input: { jws: jwt(checkpoint, checkpointOf(), ed25519, 'cp-rollback-plan+jwt') },
      key: ed25519,
      error: 'ERR_JOSE_TYP_MISMATCH',
    },
  );
  return out;
}

function toVector(c: Case): Vector {
  const format = 'cose_hex' in c.input ? 'cose' : 'jws';
  return {
    id: c.id,
    description: c.description,
    package: 'cascade-prevention',
    kind: 'message-verify',
    keys: keysOf([c.key], 'public') as unknown as Record<string, Record<string, unknown>>,
    now: NOW,
    input: { type: c.type.name, ...c.input },
    options: { key_set: [nameOf(c.key)] },
    expected: c.error
      ? invalid(c.error)
      : {
          result: 'valid',
          format,
          typ: format === 'cose' ? c.type.typ : c.type.jwt!.typ,
          alg: ALGS[algOf(c.key)],
          kid_hex: hex(c.key.kid!),
          claims: c.claims,
        },
  };
}

/** `message-verify` vectors for the seven cascade-prevention message types, in both wire forms. */
export function cascadePreventionMessageVectors(): Vector[] {
  return cases().map(toVector);
}

import { ectHash, generateKey, seededRandom } from '@safety-net/core';
import { NOW } from '../../../../test-support/time.js';
import type { BehavioralProfileInput } from '../../src/messages/behavioral-profile.js';
import type { ObservationClaims } from '../../src/messages/observation.js';
import type { PerformanceProfileClaims } from '../../src/messages/performance-profile.js';

export { NOW } from '../../../../test-support/time.js';
export const NOW_MS = NOW * 1000;

export const operatorKey = generateKey('Ed25519', seededRandom('bv-test-operator'));
export const verifierKey = generateKey('P-256', seededRandom('bv-test-verifier'));
export const gatewayKey = generateKey('Ed25519', seededRandom('bv-test-gateway'));
export const strangerKey = generateKey('Ed25519', seededRandom('bv-test-stranger'));
export const strangerP256Key = generateKey('P-256', seededRandom('bv-test-stranger-p256'));

export const AGENT = 'spiffe://example.org/agent/trader';

export const profileInput: BehavioralProfileInput = {
  iss: 'spiffe://example.org/operator',
  sub: AGENT,
  iat: NOW - 3600,
  nbf: NOW - 3600,
  exp: NOW + 30 * 86_400,
  pid: 'trading-desk',
  ver: 3,
  rules: {
    actions: { unlisted: 'deny', rules: [{ id: 'trade', effect: 'allow', pattern: 'trade.*' }] },
    parameters: [{ id: 'notional-cap', action: 'trade.*', param: 'notional', check: 'range', min: 0, max: '1000000' }],
    rates: [{ id: 'trade-rate', action: 'trade.*', max: 10, window_ms: 60_000 }],
    drift: {
      numeric: [
        { id: 'notional-drift', action: 'trade.*', source: 'param', param: 'notional', mean: 250000, sd: 50000.5 },
      ],
    },
    escalation: { budget_exceeded: ['block', 'trip_breaker'] },
  },
  baseline: { samples: 5000, from: NOW - 90 * 86_400, to: NOW - 86_400 },
};

export const observationClaims: ObservationClaims = {
  iss: 'spiffe://example.org/gateway',
  sub: AGENT,
  iat: NOW,
  jti: 'obs-0001',
  ect_jti: '6f1c2a7e-0b3d-4c5e-8f90-000000000001',
  ect_hash: ectHash('fixture-a'),
  wid: 'wf-trading',
  exec_act: 'trade.buy',
  pred: [],
  time_ms: NOW_MS,
  params: { symbol: 'ACME' },
  params_commit: {
    symbol: ectHash('fixture-b'),
    notional: ectHash('fixture-c'),
  },
  outcome: 'success',
  latency_ms: 12.5,
  resources: { cpu_ms: 3 },
  scopes: ['market-data:read'],
};

export const performanceClaims: PerformanceProfileClaims = {
  iss: 'spiffe://example.org/bench-runner',
  sub: AGENT,
  iat: NOW,
  jti: 'perf-0001',
  suite: { id: 'trading-suite-v1', digest: ectHash('fixture-a') },
  env: { runtime: 'node-20', model: 'trader-2026-02' },
  metrics: {
    task_completion_accuracy: { value: 0.94, n: 200, ci_low: 0.9, ci_high: 0.97, confidence: 0.95 },
    latency_p95_ms: { value: 120, n: 200, ci_low: 110, ci_high: 131.5, confidence: 0.95 },
  },
};

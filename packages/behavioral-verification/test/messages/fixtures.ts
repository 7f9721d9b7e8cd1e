import { generateKey, seededRandom } from '@safety-net/core';
import type { BehavioralProfileInput } from '../../src/messages/behavioral-profile.js';
import { SAMPLE_NOW } from '../../src/testing.js';

/** 2026-03-01T00:00:00Z, the fixed "now" of these tests. */
export const NOW = SAMPLE_NOW;
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

// The message samples are the package's own, the ones its conformance vectors are made of.
export {
  sampleObservationClaims as observationClaims,
  samplePerformanceClaims as performanceClaims,
} from '../../src/testing.js';

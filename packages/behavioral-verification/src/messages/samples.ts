/**
 * One set of sample claims per message type of this package: valid at {@link SAMPLE_NOW}, shared by the package's
 * tests and the conformance vector generator (the valid vectors are these claims signed). Spread a sample to vary
 * it; never change one in place.
 */
import type { AnyMessageType } from '@safety-net/core';
import { type BehavioralProfileClaims, behavioralProfile, profileDigest } from './behavioral-profile.js';
import { type BetClaims, bet } from './bet.js';
import { type ObservationClaims, observation } from './observation.js';
import { commitParams } from './param-commitment.js';
import { type PerformanceProfileClaims, performanceProfile } from './performance-profile.js';

/** The time every sample is valid at: 2026-03-01T00:00:00Z, in seconds. */
export const SAMPLE_NOW = 1_772_323_200;

const AGENT = 'spiffe://example.org/agent/trader';
/** The digest every sample that points at an ECT or a suite uses. */
const ECT_HASH = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
const ECT_JTI = '0b7c2f4e-58a1-4c3e-9d2a-6f1e8b9c0d11';

/** A Behavioral Profile of a trading agent, with the rule defaults filled in as signed. */
export const sampleProfileClaims: BehavioralProfileClaims = behavioralProfile.parse({
  iss: 'spiffe://example.org/operator',
  sub: AGENT,
  iat: SAMPLE_NOW - 3600,
  exp: SAMPLE_NOW + 30 * 86_400,
  pid: 'trading-desk',
  ver: 3,
  rules: {
    actions: { unlisted: 'deny', rules: [{ id: 'trade', effect: 'allow', pattern: 'trade.*' }] },
    parameters: [{ id: 'notional-cap', action: 'trade.*', param: 'notional', check: 'range', max: '1000000' }],
    rates: [{ id: 'trade-rate', action: 'trade.*', max: 10, window_ms: 60_000 }],
  },
  baseline: { samples: 5000, from: SAMPLE_NOW - 90 * 86_400, to: SAMPLE_NOW - 86_400 },
});

/** Commitments from a counting salt source, so that the sample is the same every time (never do this for real). */
function fixedCommitments() {
  let n = 0;
  const salts = { bytes: (len: number) => new Uint8Array(len).fill(++n) };
  return commitParams({ notional: '250000', symbol: 'ACME' }, salts).commitments;
}

/** An Observation of a trade with one parameter in clear and two committed. */
export const sampleObservationClaims: ObservationClaims = {
  iss: 'spiffe://example.org/gateway',
  sub: AGENT,
  iat: SAMPLE_NOW,
  jti: 'obs-0001',
  ect_jti: ECT_JTI,
  ect_hash: ECT_HASH,
  wid: 'wf-trading',
  exec_act: 'trade.buy',
  pred: [],
  time_ms: SAMPLE_NOW * 1000,
  params: { symbol: 'ACME' },
  params_commit: fixedCommitments(),
  outcome: 'success',
  latency_ms: 12.5,
};

/** A Behavioral Evidence Token with a violation verdict: one hard violation and a drift alarm. */
export const sampleBetClaims: BetClaims = {
  iss: 'spiffe://example.org/monitor',
  sub: AGENT,
  iat: SAMPLE_NOW,
  exp: SAMPLE_NOW + 300,
  jti: '5d0e7c1a-2b3f-4a59-8c6d-7e8f90a1b2c3',
  wid: 'wf-trading',
  pred: [ECT_JTI],
  profile: profileDigest(sampleProfileClaims),
  window: { from: SAMPLE_NOW - 60, to: SAMPLE_NOW },
  obs_root: ECT_HASH,
  obs_count: 1,
  verdict: 'violation',
  violations: [
    { rule: 'notional-cap', class: 'parameter_out_of_range', jti: ECT_JTI, observed: '1250000', allowed: '1000000' },
  ],
  drift: [{ rule: 'notional-drift', method: 'cusum', statistic: 6.5, threshold: 5, n: 40, alarm: true }],
};

/** A Performance Profile with two metrics and their confidence intervals. */
export const samplePerformanceClaims: PerformanceProfileClaims = {
  iss: 'spiffe://example.org/bench-runner',
  sub: AGENT,
  iat: SAMPLE_NOW,
  jti: 'perf-0001',
  suite: { id: 'trading-suite-v1', digest: ECT_HASH },
  env: { runtime: 'node-20' },
  metrics: {
    task_completion_accuracy: { value: 0.875, n: 200, ci_low: 0.8125, ci_high: 0.9375, confidence: 0.95 },
    latency_p95_ms: { value: 120, n: 200, ci_low: 110, ci_high: 131.5, confidence: 0.95 },
  },
};

/** Every message type of the package with its sample claims, in the order of `BEHAVIORAL_MESSAGE_TYPES`. */
export const BEHAVIORAL_SAMPLES: readonly { readonly type: AnyMessageType; readonly claims: object }[] = [
  { type: behavioralProfile, claims: sampleProfileClaims },
  { type: observation, claims: sampleObservationClaims },
  { type: bet, claims: sampleBetClaims },
  { type: performanceProfile, claims: samplePerformanceClaims },
];

import { ectHash } from '@safety-net/core';
import type { BetClaims } from '../../src/messages/bet.js';
import { AGENT, NOW } from './fixtures.js';

/** A well-formed BET with a hard violation and a drift alarm. */
export function sampleBetClaims(overrides: Partial<BetClaims> = {}): BetClaims {
  return {
    iss: 'spiffe://example.org/monitor',
    sub: AGENT,
    iat: NOW,
    exp: NOW + 300,
    jti: '0b7e2c4e-4a4d-4f7e-9d61-3a0d3c1f8b21',
    wid: 'wf-trading',
    pred: ['6f1c2a7e-0b3d-4c5e-8f90-000000000001'],
    profile: ectHash('fixture-a'),
    window: { from: NOW - 60, to: NOW },
    obs_root: ectHash('fixture-c'),
    obs_count: 12,
    verdict: 'violation',
    violations: [
      {
        rule: 'notional-cap',
        class: 'parameter_out_of_range',
        jti: '6f1c2a7e-0b3d-4c5e-8f90-000000000001',
        observed: '1250000',
        allowed: { max: '1000000' },
      },
    ],
    drift: [{ rule: 'notional-drift', method: 'cusum', statistic: 6.25, threshold: 5, n: 12, alarm: true }],
    ...overrides,
  };
}

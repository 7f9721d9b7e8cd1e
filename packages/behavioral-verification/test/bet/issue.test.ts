import { createHash } from 'node:crypto';
import { dagNodeOf, EctDag, fixedClock, publicKeyOf, seededRandom, toBase64Url, utf8 } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { deriveVerdict, issueBet } from '../../src/bet/index.js';
import { bet, MAX_BET_ENTRIES } from '../../src/messages/bet.js';
import type { Violation } from '../../src/monitor/verdict.js';
import { AGENT, NOW, NOW_MS, verifierKey } from '../messages/fixtures.js';

const clock = fixedClock(NOW_MS);
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const observations = ['obs-a', 'obs-b', 'obs-c'].map(utf8);
const PROFILE = toBase64Url(sha(utf8('profile')));
const base = {
  verifierKey,
  verifier: 'spiffe://example.org/monitor',
  agent: AGENT,
  profile: PROFILE,
  observations,
  window: { from: NOW - 60, to: NOW },
  wid: 'wf-trading',
  pred: ['task-3'],
  clock,
  random: seededRandom('bet-issue'),
};
const hard: Violation = {
  rule: 'notional-cap',
  class: 'parameter_out_of_range',
  jti: 'task-3',
  observed: '1250000',
  allowed: '1000000',
};
const drifty: Violation = { rule: 'notional-drift', class: 'drift', jti: 'task-2', observed: 6.1, allowed: 5 };

describe('issueBet', () => {
  it('signs a BET that verifies, committing to the observations with an RFC 9162 root', () => {
    const { bytes, claims } = issueBet({ ...base, random: seededRandom('bet-issue') });
    const result = bet.verify(bytes, { key: publicKeyOf(verifierKey), clock });
    expect(result.ok && result.claims).toEqual(claims);
    // Independent root: leaves SHA-256(0x00 || SHA-256(obs)), split 2 + 1.
    const [a, b, c] = observations.map((o) => sha(Uint8Array.of(0), sha(o)));
    const root = sha(Uint8Array.of(1), sha(Uint8Array.of(1), a!, b!), c!);
    expect(claims.obs_root).toBe(toBase64Url(root));
    expect(claims).toMatchObject({ obs_count: 3, iat: NOW, exp: NOW + 300, verdict: 'compliant', pred: ['task-3'] });
    expect(claims.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(issueBet({ ...base, random: seededRandom('bet-issue') }).claims.jti).toBe(claims.jti);
  });

  it('derives the verdict from the findings', () => {
    const alarm = {
      rule: 'mix',
      method: 'js_divergence',
      statistic: 0.4,
      threshold: 0.2,
      n: 100,
      alarm: true,
    } as const;
    expect(issueBet({ ...base, violations: [drifty, hard] }).claims.verdict).toBe('violation');
    expect(issueBet({ ...base, violations: [drifty] }).claims.verdict).toBe('drift');
    expect(issueBet({ ...base, drift: [alarm] }).claims.verdict).toBe('drift');
    expect(issueBet({ ...base, drift: [{ ...alarm, alarm: false }] }).claims.verdict).toBe('compliant');
    expect(issueBet({ ...base, observations: [] }).claims.verdict).toBe('inconclusive');
    expect(deriveVerdict(0, [hard], [])).toBe('violation');
  });

  it('refuses a verdict that contradicts the findings, and an inverted window', () => {
    const code = expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' });
    expect(() => issueBet({ ...base, violations: [hard], verdict: 'compliant' })).toThrow(code);
    expect(() => issueBet({ ...base, violations: [hard], verdict: 'drift' })).toThrow(code);
    expect(() => issueBet({ ...base, verdict: 'violation' })).toThrow(code);
    expect(() => issueBet({ ...base, window: { from: NOW, to: NOW - 1 } })).toThrow(code);
    expect(issueBet({ ...base, verdict: 'inconclusive' }).claims.verdict).toBe('inconclusive');
  });

  it('lists at most MAX_BET_ENTRIES violations, hard ones first', () => {
    const many = [...Array.from({ length: MAX_BET_ENTRIES }, () => drifty), hard];
    const { claims } = issueBet({ ...base, violations: many });
    expect(claims.violations).toHaveLength(MAX_BET_ENTRIES);
    expect(claims.violations[0]!.class).toBe('parameter_out_of_range');
    expect(claims.verdict).toBe('violation');
  });

  it('places the BET in the ECT DAG after the action it judges', () => {
    const dag = new EctDag();
    dag.insert({ jti: 'task-3', wid: 'wf-trading', iat: NOW - 5, iss: AGENT, exec_act: 'trade.buy', pred: [] });
    const { claims } = issueBet(base);
    dag.insert(dagNodeOf(bet, claims));
    expect(dag.predecessors(claims.jti)).toEqual(['task-3']);
    expect(dag.get(claims.jti)!.exec_act).toBe('bv.bet.issue');
    expect(dag.get(claims.jti)!.ect_ext).toEqual({ bet_verdict: 'compliant', bet_profile: PROFILE });
  });
});

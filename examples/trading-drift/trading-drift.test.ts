import { bet } from '@safety-net/behavioral-verification';
import { ect, fixedClock, toHex } from '@safety-net/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PARTIES, TRADING_RULES } from './profile.js';
import { runTradingDrift, type Timeline } from './scenario.js';
import { type BetStep, formatStep, groupThousands, type TradeStep } from './timeline.js';

const LIMIT = 1_000_000n;

let timeline: Timeline;
let trades: TradeStep[];
let bets: BetStep[];

beforeAll(async () => {
  timeline = await runTradingDrift();
  trades = timeline.steps.filter((s): s is TradeStep => s.kind === 'trade');
  bets = timeline.steps.filter((s): s is BetStep => s.kind === 'bet');
});

const isHard = (t: TradeStep) => t.violations.some((v) => v.class !== 'drift');
const isDrift = (t: TradeStep) => t.violations.some((v) => v.class === 'drift');

describe('example: trading drift', () => {
  it('is deterministic: a second run signs the same tokens', async () => {
    const again = await runTradingDrift();
    const fingerprint = (t: Timeline) =>
      t.steps.map((s) => (s.kind === 'trade' ? toHex(s.ect) : s.kind === 'bet' ? toHex(s.bytes) : s.text));
    expect(fingerprint(again)).toEqual(fingerprint(timeline));
  });

  it('has no violation of any kind before the model update, and every such order runs', () => {
    const before = trades.filter((t) => !t.afterUpdate);
    expect(before).toHaveLength(20);
    for (const t of before) {
      expect(t.violations).toEqual([]);
      expect(t.executed).toBe(true);
    }
  });

  it('flags drift after the update and strictly before the first hard violation', () => {
    const firstDrift = trades.findIndex(isDrift);
    const firstHard = trades.findIndex(isHard);
    expect(firstDrift).toBeGreaterThanOrEqual(0);
    expect(firstHard).toBeGreaterThan(firstDrift);
    expect(trades[firstDrift]!.afterUpdate).toBe(true);
    // Drift is flagged while the orders are still within the hard limit.
    expect(BigInt(trades[firstDrift]!.order.notional)).toBeLessThanOrEqual(LIMIT);
  });

  it('matches an independent two-sided CUSUM over the notionals the monitor saw', () => {
    const rule = TRADING_RULES.drift!.numeric![0]!;
    const [mean, sd, k, h] = [rule.mean, rule.sd, rule.k!, rule.h!];
    let upper = 0;
    let lower = 0;
    const expected = trades.map((t) => {
      const z = (Number(t.order.notional) - mean) / sd;
      const u = Math.max(0, upper + z - k);
      const l = Math.max(0, lower - z - k);
      const alarm = u > h || l > h;
      if (t.executed) [upper, lower] = alarm ? [0, 0] : [u, l]; // a blocked order does not enter the detector
      return alarm;
    });
    expect(trades.map(isDrift)).toEqual(expected);
  });

  it('blocks the first order over the limit in enforce mode: it never runs and never enters the DAG', () => {
    const overLimit = trades.findIndex((t) => BigInt(t.order.notional) > LIMIT);
    expect(overLimit).toBeGreaterThan(0);
    expect(trades.findIndex(isHard)).toBe(overLimit);
    const offending = trades[overLimit]!;
    expect(offending.decision).toBe('block');
    expect(offending.executed).toBe(false);
    expect(offending.violations.filter((v) => v.class !== 'drift')).toEqual([
      {
        rule: 'notional-limit',
        class: 'parameter_out_of_range',
        jti: offending.jti,
        observed: offending.order.notional,
        allowed: { min: '0', max: '1000000' },
      },
    ]);
    expect(timeline.executed).not.toContain(offending.jti);
    expect(timeline.dag.has(offending.jti)).toBe(false);
    // The story stops there: it is the last order, and everything before it ran.
    expect(offending).toBe(trades.at(-1));
    expect(trades.slice(0, -1).every((t) => t.executed)).toBe(true);
    expect(timeline.executed).toEqual(trades.slice(0, -1).map((t) => t.jti));
  });

  it('issues BETs that verify under the verifier key, and the desk accepts them until the verdict is violation', () => {
    expect(bets.length).toBeGreaterThanOrEqual(3);
    for (const b of bets) {
      const result = bet.verify(b.bytes, {
        key: timeline.keys.verifier,
        audience: PARTIES.desk,
        clock: fixedClock(timeline.start + b.t),
      });
      if (!result.ok) throw result.error;
      expect(result.claims.verdict).toBe(b.verdict);
      expect(result.claims.profile).toBe(timeline.profile);
      expect(result.claims.sub).toBe(PARTIES.agent);
    }
    const last = bets.at(-1)!;
    const earlier = bets.slice(0, -1);
    expect(earlier.every((b) => b.appraisal === 'accept' && b.reasons.length === 0)).toBe(true);
    expect(new Set(earlier.map((b) => b.verdict))).toEqual(new Set(['compliant', 'drift']));
    expect(last.verdict).toBe('violation');
    expect(last.appraisal).toBe('refuse');
    expect(last.reasons).toEqual(['ERR_BV_VERDICT_REFUSED']);
    // The violation BET is issued right after the blocked order and names it.
    const blocked = trades.at(-1)!;
    expect(last.t).toBe(blocked.t);
    const claims = bet.verify(last.bytes, {
      key: timeline.keys.verifier,
      audience: PARTIES.desk,
      clock: fixedClock(timeline.start + last.t),
    });
    expect(
      claims.ok && claims.claims.violations.some((v) => v.jti === blocked.jti && v.class === 'parameter_out_of_range'),
    ).toBe(true);
  });

  it('settles exactly the executed orders covered by accepted BETs and holds the rest', () => {
    const settled = bets.filter((b) => b.appraisal === 'accept').flatMap((b) => b.orders);
    const held = bets.filter((b) => b.appraisal === 'refuse').flatMap((b) => b.orders);
    expect(held.length).toBeGreaterThan(0);
    expect([...settled, ...held]).toEqual(timeline.executed);
    const observed = bets.reduce((n, b) => n + b.observed, 0);
    expect(observed).toBe(trades.length);
  });

  it('makes every executed order and every BET a node of one ECT DAG, chained by pred', () => {
    const { dag } = timeline;
    expect(dag.size).toBe(timeline.executed.length + bets.length);
    let previous: string | undefined;
    for (const step of timeline.steps) {
      if (step.kind === 'trade') {
        const verified = ect.verify(step.ect, {
          key: timeline.keys.agent,
          audience: PARTIES.gateway,
          clock: fixedClock(timeline.start + step.t),
        });
        if (!verified.ok) throw verified.error;
        expect(verified.claims.jti).toBe(step.jti);
        expect(verified.claims.pred).toEqual(previous ? [previous] : []);
        if (step.executed) {
          expect(dag.get(step.jti)!.exec_act).toBe('trade.place');
          expect(dag.predecessors(step.jti)).toEqual(previous ? [previous] : []);
          previous = step.jti;
        }
      } else if (step.kind === 'bet') {
        expect(dag.get(step.jti)!.exec_act).toBe(bet.dag?.execAct);
        expect(dag.predecessors(step.jti)).toEqual([previous]);
      }
    }
  });

  it('prints one readable line per step', () => {
    expect(groupThousands('1054000')).toBe('1,054,000');
    expect(groupThousands('999')).toBe('999');
    const lines = timeline.steps.map(formatStep);
    expect(lines.filter((l) => l.includes('BLOCK (not executed)'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('model update'))).toBe(true);
    expect(lines.at(-2)).toContain('desk REFUSES');
  });
});

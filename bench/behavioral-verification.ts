/**
 * Behavioural-verification cases: our runtime monitor judging an action stream against a 100-rule profile of
 * mixed kinds (action patterns, parameter checks, rate and budget windows, DAG sequencing, scopes, drift), beside
 * @microsoft/agent-governance-sdk's PolicyEngine.evaluate on 100 action-pattern rules over the same stream; and
 * the drift detectors' throughput. In-process, no signing; the stream is prepared up front.
 */

import { PolicyEngine } from '@microsoft/agent-governance-sdk';
import {
  Cusum,
  compileProfile,
  MixDivergence,
  Monitor,
  type ObservationInputIn,
  PageHinkley,
  parseRules,
} from '@safety-net/behavioral-verification';
import { fixedClock } from '@safety-net/core';
import type { BenchCase } from './harness.js';
import type { BenchGroup } from './signing.js';

const T0 = 1_767_225_600_000;
const DESKS = ['fx', 'rates', 'credit', 'equity', 'commodity'];
const VERBS = ['open', 'close', 'quote', 'price', 'hedge', 'amend', 'cancel', 'report', 'check', 'fetch'];
/** 50 action names, `desk.verb`. */
const ACTIONS = DESKS.flatMap((d) => VERBS.map((v) => `${d}.${v}`));

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark setup: ${what}`);
}

/** The 100-rule profile: 20 action, 20 parameter, 15 rate, 15 budget, 10 sequence, 10 scope, 8 + 2 drift rules. */
function hundredRules(): unknown {
  const actions = [
    ...DESKS.map((d) => ({ id: `allow-${d}`, effect: 'allow', pattern: `${d}.*` })),
    ...Array.from({ length: 15 }, (_, i) => ({
      id: `deny-${i}`,
      effect: 'deny',
      pattern: `${DESKS[i % 5]}.forbidden${i}`,
    })),
  ];
  const checks = ['range', 'enum', 'pattern', 'length'] as const;
  const parameters = Array.from({ length: 20 }, (_, i) => {
    const base = { id: `param-${i}`, action: ACTIONS[(i * 7) % 50], param: 'notional' };
    const kind = checks[i % 4];
    if (kind === 'range') return { ...base, check: 'range', min: '0', max: '1000000' };
    if (kind === 'enum') return { ...base, param: 'side', check: 'enum', values: ['buy', 'sell'] };
    if (kind === 'pattern') return { ...base, param: 'symbol', check: 'pattern', regex: '[A-Z]{3,6}', max_length: 6 };
    return { ...base, param: 'symbol', check: 'length', min: 3, max: 6 };
  });
  const rates = Array.from({ length: 15 }, (_, i) => ({
    id: `rate-${i}`,
    action: i < 5 ? `${DESKS[i]}.*` : ACTIONS[i * 3],
    max: 1000,
    window_ms: 1000,
  }));
  const budgets = Array.from({ length: 15 }, (_, i) => ({
    id: `budget-${i}`,
    action: i < 5 ? `${DESKS[i]}.*` : ACTIONS[i * 3 + 1],
    param: 'notional',
    max: '1000000000000',
    window_ms: 60_000,
  }));
  const sequences = Array.from({ length: 10 }, (_, i) => ({
    id: `seq-${i}`,
    kind: i % 2 ? 'forbids' : 'requires',
    action: `${DESKS[i % 5]}.open`,
    after: i % 2 ? '*.cancel' : '*.check',
    relation: 'predecessor',
  }));
  const scopes = Array.from({ length: 10 }, (_, i) => ({
    id: `scope-${i}`,
    action: ACTIONS[i * 5],
    allowed: ['market:*:read', 'orders:*'],
  }));
  const numeric = Array.from({ length: 8 }, (_, i) => ({
    id: `drift-${i}`,
    action: `${DESKS[i % 5]}.*`,
    source: i % 2 ? 'latency_ms' : 'param',
    ...(i % 2 ? {} : { param: 'notional' }),
    method: i % 4 < 2 ? 'cusum' : 'page_hinkley',
    mean: 5000,
    sd: 3000,
    h: 50,
  }));
  const mix = [
    { id: 'mix-0', baseline: Object.fromEntries(ACTIONS.map((a) => [a, 1])), window: 500, threshold: 0.5 },
    {
      id: 'mix-1',
      baseline: Object.fromEntries(ACTIONS.slice(0, 25).map((a) => [a, 1])),
      window: 1000,
      threshold: 0.9,
    },
  ];
  return {
    actions: { unlisted: 'deny', rules: actions },
    parameters,
    rates,
    budgets,
    sequences,
    scopes,
    drift: { numeric, mix },
  };
}

const STREAM = 50_000;

/** A fixed stream: every `open` follows a `check` of its desk, others are roots. */
function stream(): ObservationInputIn[] {
  const out: ObservationInputIn[] = [];
  for (let i = 0; i < STREAM; i++) {
    const act = ACTIONS[(i * 17) % 50]!;
    const isOpen = act.endsWith('.open');
    if (isOpen) {
      out.push({
        jti: `c${i}`,
        wid: 'wf',
        iss: 'agent',
        exec_act: act.replace('.open', '.check'),
        pred: [],
        time_ms: T0 + i,
        params: {},
      });
    }
    out.push({
      jti: `o${i}`,
      wid: 'wf',
      iss: 'agent',
      exec_act: act,
      pred: isOpen ? [`c${i}`] : [],
      time_ms: T0 + i,
      params: { notional: 1000 + (i % 9000), side: i % 2 ? 'buy' : 'sell', symbol: 'EURUSD' },
      latency_ms: 5000 + (i % 100),
      scopes: ['market:eu:read'],
    });
  }
  return out.slice(0, STREAM);
}

/** The monitor case and the agent-governance-sdk case over the same action stream, timed together. */
export async function behavioralVerificationGroups(): Promise<BenchGroup[]> {
  const profile = compileProfile(parseRules(hundredRules()));
  check(Object.values(profile.rules).flat().length > 0, 'profile');
  const observations = stream();
  const clock = fixedClock(T0);
  let monitor = new Monitor(profile, { clock });
  let i = 0;
  for (const o of observations) {
    clock.set(o.time_ms);
    const verdict = monitor.evaluate(o);
    check(verdict.decision === 'allow', `stream is allowed (${JSON.stringify(verdict)})`);
  }
  monitor = new Monitor(profile, { clock });
  const evaluate = (): unknown => {
    if (i === observations.length) {
      monitor = new Monitor(profile, { clock });
      i = 0;
    }
    const o = observations[i++]!;
    clock.set(o.time_ms);
    return monitor.evaluate(o);
  };

  const engine = new PolicyEngine();
  for (let r = 0; r < 100; r++) {
    const desk = DESKS[r % 5]!;
    engine.addRule({ action: r < 90 ? `${desk}.forbidden${r}` : `${desk}.*`, effect: r < 90 ? 'deny' : 'allow' });
  }
  const actions = observations.map((o) => o.exec_act);
  check(
    actions.every((a) => engine.evaluate(a) === 'allow'),
    'agt allows the stream',
  );
  let j = 0;
  const agt = (): unknown => {
    const a = actions[j++ % actions.length]!;
    return engine.evaluate(a, {});
  };

  const noise = Array.from({ length: 4096 }, (_, k) => Math.sin(k * 12.9898) * 3);
  const cusum = new Cusum({ mean: 0, sd: 1, h: 50 });
  const ph = new PageHinkley({ mean: 0, sd: 1, lambda: 50 });
  const mix = new MixDivergence({
    baseline: Object.fromEntries(ACTIONS.map((a) => [a, 1])),
    window: 500,
    threshold: 0.5,
  });
  let k = 0;
  // Detectors return undefined when quiet; the counter stands in so the harness sees a result.
  const sync = (name: string, run: () => unknown): BenchCase => ({ name, run, async: false });
  return [
    {
      title: 'behavioural monitor vs agent-governance-sdk',
      cases: [sync('bv.monitor.evaluate.100rules', evaluate), sync('agt.policy.evaluate.100rules', agt)],
    },
    {
      title: 'drift detectors',
      cases: [
        sync('bv.drift.cusum', () => cusum.step(noise[k++ & 4095]!) ?? k),
        sync('bv.drift.page_hinkley', () => ph.step(noise[k++ & 4095]!) ?? k),
        sync('bv.drift.mix.50actions', () => mix.step(ACTIONS[k++ % 50]!) ?? k),
      ],
    },
  ];
}

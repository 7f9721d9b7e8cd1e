import { EctDag, fixedClock } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf as code } from '../../../../test-support/codes.js';
import { compileProfile } from '../../src/monitor/compile.js';
import { Monitor } from '../../src/monitor/monitor.js';
import type { ObservationInputIn } from '../../src/monitor/observation-input.js';

const T0 = 1_772_323_200_000;
let n = 0;
const obs = (
  act: string,
  params: Record<string, number | string | boolean> = {},
  extra: Record<string, unknown> = {},
) => ({
  jti: `j${++n}`,
  wid: 'w',
  iss: 'agent',
  exec_act: act,
  pred: [],
  time_ms: T0,
  params,
  ...extra,
});
describe('Monitor', () => {
  it('reads enforce-mode time from the injected clock, at window boundaries', () => {
    const clock = fixedClock(T0);
    const m = new Monitor(
      compileProfile({ actions: { unlisted: 'allow' }, rates: [{ id: 'r', action: '*', max: 2, window_ms: 1000 }] }),
      { clock },
    );
    expect(m.evaluate(obs('a')).decision).toBe('allow');
    clock.advance(500);
    expect(m.evaluate(obs('a')).decision).toBe('allow');
    clock.advance(499); // T0 + 999: both still in (t − 1000, t]
    expect(m.evaluate(obs('a')).violations.map((v) => v.class)).toEqual(['rate_exceeded']);
    clock.advance(1); // T0 + 1000: the first has left
    expect(m.evaluate(obs('a')).decision).toBe('allow');
    clock.advance(0); // two in (0, 1000]: T0 + 500 and T0 + 1000
    expect(m.evaluate(obs('a')).decision).toBe('block');
  });

  it('enforce mode refuses a clock reading that is not a time, before judging or recording anything', () => {
    const clock = fixedClock(T0);
    const m = new Monitor(
      compileProfile({ actions: { unlisted: 'allow' }, rates: [{ id: 'r', action: '*', max: 1, window_ms: 1000 }] }),
      { clock, dag: new EctDag() },
    );
    clock.set(Number.NaN);
    const first = obs('a');
    expect(code(() => m.evaluate(first))).toBe('ERR_INPUT_INVALID');
    expect(code(() => m.record(obs('a')))).toBe('ERR_INPUT_INVALID');
    expect(m.dag.has(first.jti)).toBe(false);
    clock.set(T0);
    // Nothing was counted: the rate of one per second still admits one action.
    expect(m.evaluate(obs('a')).decision).toBe('allow');
    expect(m.evaluate(obs('a')).decision).toBe('block');
  });

  it('deny wins over any allow, for any rule order (property)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.constantFrom('trade.*', '*', 'trade.open', '*open'), (denyFirst, allow) => {
        const rules = [
          { id: 'al', effect: 'allow' as const, pattern: allow },
          { id: 'de', effect: 'deny' as const, pattern: 'trade.op*' },
        ];
        const m = new Monitor(
          compileProfile({ actions: { unlisted: 'allow', rules: denyFirst ? rules.reverse() : rules } }),
          { clock: fixedClock(T0) },
        );
        const v = m.evaluate(obs('trade.open'));
        expect(v.decision).toBe('block');
        expect(v.violations).toEqual([
          { rule: 'de', class: 'forbidden_action', jti: v.jti, observed: 'trade.open', allowed: { deny: 'trade.op*' } },
        ]);
      }),
      { numRuns: 50 },
    );
  });

  it('reports observed and allowed values', () => {
    const m = new Monitor(
      compileProfile({
        actions: { unlisted: 'allow' },
        budgets: [{ id: 'b', action: '*', param: 'x', max: '10.5', window_ms: 60000 }],
      }),
      { clock: fixedClock(T0) },
    );
    m.evaluate(obs('a', { x: '10' }));
    const v = m.evaluate(obs('a', { x: '0.75' }));
    expect(v.violations[0]).toMatchObject({
      class: 'budget_exceeded',
      observed: '10.75',
      allowed: { max: '10.5', window_ms: 60000 },
    });
  });

  it('budget sums stay exact past 2^53 and across integers and decimal strings', () => {
    const m = new Monitor(
      compileProfile({
        actions: { unlisted: 'allow' },
        budgets: [{ id: 'b', action: '*', param: 'x', max: '13510798882111488.5' }],
      }),
      { clock: fixedClock(T0) },
    );
    for (let i = 0; i < 3; i++) expect(m.evaluate(obs('a', { x: 2 ** 52 })).decision).toBe('allow'); // 3 · 2^52
    expect(m.evaluate(obs('a', { x: '0.5' })).decision).toBe('allow'); // exactly the max
    const v = m.evaluate(obs('a', { x: 1 }));
    expect(v.violations[0]).toMatchObject({ class: 'budget_exceeded', observed: '13510798882111489.5' });
    expect(m.evaluate(obs('a', { x: -(2 ** 52) })).decision).toBe('allow');
    expect(m.evaluate(obs('a', { x: 2 ** 52 })).decision).toBe('allow');
    expect(m.evaluate(obs('a', { x: Number.MAX_SAFE_INTEGER })).violations[0]).toMatchObject({
      observed: '22517998136852479.5',
    }); // 5 · 2^52 − 0.5
  });

  it('enforce mode: a blocked action enters neither the windows nor the DAG; record() commits an approved one', () => {
    const m = new Monitor(
      compileProfile({
        actions: { unlisted: 'allow' },
        budgets: [{ id: 'b', action: '*', param: 'x', max: 10 }],
        escalation: { budget_exceeded: ['require_human_approval'] },
      }),
      { clock: fixedClock(T0), dag: new EctDag() },
    );
    const big = obs('a', { x: 11 });
    expect(m.evaluate(big).decision).toBe('escalate');
    expect(m.dag.has(big.jti)).toBe(false);
    expect(m.evaluate(obs('a', { x: 10 })).decision).toBe('allow');
    m.record(big);
    expect(m.dag.has(big.jti)).toBe(true);
    expect(m.evaluate(obs('a', { x: -11 })).decision).toBe('allow'); // 21 − 11 = 10
  });

  it('sequencing reads an EctDag given by the caller', () => {
    const m = new Monitor(
      compileProfile({
        actions: { unlisted: 'allow' },
        sequences: [{ id: 's', kind: 'requires', action: 'exec', after: 'check' }],
      }),
      { clock: fixedClock(T0) },
    );
    m.dag.insert({ jti: 'c', wid: 'w', iat: T0 / 1000, iss: 'x', exec_act: 'check', pred: [] });
    expect(m.evaluate(obs('exec', {}, { pred: ['c'] })).decision).toBe('allow');
    expect(code(() => m.evaluate(obs('exec', {}, { pred: ['nope'] })))).toBe('ERR_ECT_PREDECESSOR_MISSING');
  });

  it('refuses a mode other than enforce or observe: observe time would let the agent set the clock', () => {
    const rules = compileProfile({
      actions: { unlisted: 'allow' },
      rates: [{ id: 'r', action: 'pay', max: 1, window_ms: 60_000 }],
    });
    for (const mode of ['Enforce', 'observe ', '', 1, true, null]) {
      expect(code(() => new Monitor(rules, { mode: mode as never, clock: fixedClock(T0) }))).toBe('ERR_INPUT_INVALID');
    }
    // The default is enforce: two pays within the clock's minute, however far apart their time_ms.
    const m = new Monitor(rules, { clock: fixedClock(T0) });
    const decisions = [0, 1].map((i) => m.evaluate(obs('pay', {}, { time_ms: T0 + i * 10_000_000 })).decision);
    expect(decisions).toEqual(['allow', 'block']);
  });

  it('refuses a traversalLimit that is not an integer ≥ 0, which would turn the limit off', () => {
    const dag = new EctDag();
    for (let i = 0; i < 50; i++)
      dag.insert({
        jti: `n${i}`,
        wid: 'w',
        iss: 'a',
        iat: 1,
        exec_act: i === 0 ? 'approve' : 'step',
        pred: i ? [`n${i - 1}`] : [],
      });
    const rules = compileProfile({
      actions: { unlisted: 'allow' },
      sequences: [{ id: 's', kind: 'requires', action: 'pay', after: 'approve' }],
    });
    for (const traversalLimit of [Number.NaN, 'x', '10', -1, 1.5, Number.POSITIVE_INFINITY, null]) {
      expect(
        code(() => new Monitor(rules, { dag, traversalLimit: traversalLimit as never, clock: fixedClock(T0) })),
      ).toBe('ERR_INPUT_INVALID');
    }
    const limited = new Monitor(rules, { dag, traversalLimit: 10, clock: fixedClock(T0) });
    expect(code(() => limited.evaluate(obs('pay', {}, { pred: ['n49'] })))).toBe('ERR_ECT_TRAVERSAL_LIMIT');
    expect(
      new Monitor(rules, { dag, clock: fixedClock(T0) }).evaluate(obs('pay', {}, { pred: ['n49'] })).decision,
    ).toBe('allow');
  });

  describe('remembers at most maxTracked actions for predecessor lookups', () => {
    const rules = compileProfile({
      actions: { unlisted: 'allow' },
      sequences: [{ id: 's', kind: 'requires', action: 'pay', after: 'approve', relation: 'predecessor' }],
    });
    const roots = (m: Monitor, count: number) =>
      Array.from({ length: count }, (_, i) => m.evaluate(obs(i % 2 ? 'step' : 'approve')).jti);

    it('forgets the oldest first: a forgotten predecessor is unknown, fail closed for sequencing', () => {
      const m = new Monitor(rules, { clock: fixedClock(T0), maxTracked: 10 });
      const jtis = roots(m, 1000);
      for (const p of jtis.slice(0, 990))
        expect(code(() => m.evaluate(obs('pay', {}, { pred: [p] })))).toBe('ERR_ECT_PREDECESSOR_MISSING');
      // The ten latest are known, and judged: an approval allows the payment, another step does not (an allowed
      // payment is remembered in turn and forgets the oldest, already used, root).
      const decisions = jtis.slice(990).map((p) => m.evaluate(obs('pay', {}, { pred: [p] })).decision);
      expect(decisions).toEqual(jtis.slice(990).map((_, i) => (i % 2 ? 'block' : 'allow')));
    });

    it('falls back to the DAG it was given', () => {
      const dag = new EctDag();
      const m = new Monitor(rules, { clock: fixedClock(T0), maxTracked: 1, dag });
      const [approval, step] = roots(m, 2);
      expect(m.evaluate(obs('pay', {}, { pred: [approval] })).decision).toBe('allow');
      expect(m.evaluate(obs('pay', {}, { pred: [step] })).decision).toBe('block');
    });

    it('refuses a maxTracked that is not an integer ≥ 0', () => {
      for (const maxTracked of [Number.NaN, '10', -1, 1.5, Number.POSITIVE_INFINITY, null]) {
        expect(code(() => new Monitor(rules, { maxTracked: maxTracked as never, clock: fixedClock(T0) }))).toBe(
          'ERR_INPUT_INVALID',
        );
      }
      const none = new Monitor(rules, { maxTracked: 0, clock: fixedClock(T0) });
      const [approval] = roots(none, 1);
      expect(code(() => none.evaluate(obs('pay', {}, { pred: [approval] })))).toBe('ERR_ECT_PREDECESSOR_MISSING');
    });
  });

  describe('a parameter too large for a double does not silence drift', () => {
    const driftCount = (m: Monitor, amount: number | string, times = 1) => {
      let count = 0;
      for (let i = 0; i < times; i++)
        count += m.evaluate(obs('pay', { amount })).violations.filter((v) => v.class === 'drift').length;
      return count;
    };
    const monitor = (method: 'cusum' | 'page_hinkley', min_samples = 0) =>
      new Monitor(
        compileProfile({
          actions: { unlisted: 'allow' },
          drift: {
            numeric: [
              {
                id: 'amt',
                action: 'pay',
                source: 'param',
                param: 'amount',
                method,
                mean: 10,
                sd: 0.5,
                k: 0.5,
                h: 5,
                min_samples,
              },
            ],
          },
        }),
        { clock: fixedClock(T0) },
      );

    it('Page–Hinkley: "1.7e308" alarms (finite statistic), and out-of-baseline values alarm after it', () => {
      const m = monitor('page_hinkley');
      driftCount(m, 10, 5);
      const poisoned = m.evaluate(obs('pay', { amount: '1.7e308' }));
      expect(poisoned.violations.map((v) => v.class)).toEqual(['drift']);
      expect(JSON.parse(JSON.stringify(poisoned.violations[0]!.observed)).value).toBeGreaterThan(5); // not Infinity (null in JSON)
      expect(driftCount(m, 1000, 50)).toBe(0); // restarted at the alarm, a constant stream is in control
      driftCount(m, 10, 5);
      expect(driftCount(m, 1000, 50)).toBeGreaterThan(0); // was 0: NaN state
    });

    it('CUSUM: ±1.7e308 during burn-in leave it alarming', () => {
      const m = monitor('cusum', 5);
      for (const amount of ['1.7e308', '-1.7e308', '1.7e308']) expect(driftCount(m, amount)).toBe(0);
      expect(driftCount(m, 1000, 50)).toBeGreaterThan(0);
    });

    it('a decimal string past the double range counts as the largest value, not as no value', () => {
      const m = monitor('page_hinkley');
      driftCount(m, 10, 5);
      expect(driftCount(m, '1e400')).toBe(1);
      driftCount(m, 10, 5);
      expect(driftCount(m, '-1e400')).toBe(1);
      expect(driftCount(m, 'Infinity')).toBe(0); // not a decimal: not a numeric value
    });

    it('text that is not a decimal string is no value at all, whatever Number() makes of it', () => {
      // mean 10, sd 0.5: "" (0 to Number()), "0x1f" (31) and " 99 " would each be 20 sd or more out of baseline.
      for (const amount of ['', '   ', '0x1f', ' 99 ', '0b111', '1_000']) {
        const m = monitor('cusum');
        expect(driftCount(m, amount, 20)).toBe(0);
        expect(driftCount(m, '99')).toBe(1); // the same detector alarms on a decimal string that far out
      }
    });
  });

  it('garbage observations end as ERR_BV_OBSERVATION_INVALID, never anything else (property)', () => {
    const m = new Monitor(
      compileProfile({
        actions: { unlisted: 'allow' },
        parameters: [{ id: 'p', action: '*', param: 'v', check: 'range', max: 1 }],
      }),
      { clock: fixedClock(T0) },
    );
    const field = fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.double());
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record(
            {
              jti: field,
              wid: field,
              iss: field,
              exec_act: field,
              pred: fc.oneof(field, fc.array(field)),
              time_ms: field,
              params: fc.oneof(field, fc.dictionary(fc.string(), field)),
            },
            { requiredKeys: [] },
          ),
        ),
        (input) => {
          expect(['no error', 'ERR_BV_OBSERVATION_INVALID', 'ERR_ECT_PREDECESSOR_MISSING']).toContain(
            // Untrusted input, as from the wire: the type says what it should be, the monitor checks what it is.
            code(() => m.evaluate(input as ObservationInputIn)),
          );
        },
      ),
      { numRuns: 1000 },
    );
    const evil = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
        ownKeys: () => {
          throw new Error('boom');
        },
      },
    );
    expect(code(() => m.evaluate(evil as ObservationInputIn))).toBe('ERR_BV_OBSERVATION_INVALID');
  });
});

// ---- compiled monitor against a naive reference: every rule scanned, every window recomputed from history ----

const ACTS = ['a.x', 'a.y', 'b.x', 'b.y', 'c'];
const PATTERNS = ['a.x', 'a.y', 'b.x', 'c', 'a.*', '*.x', '*', 'b*'];
const toRe = (p: string) => new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);

interface Profile {
  unlisted: 'allow' | 'deny';
  actions: { id: string; effect: 'allow' | 'deny'; pattern: string }[];
  params: { id: string; action: string; param: string; check: 'range'; min: number; max: number }[];
  rates: { id: string; action: string; max: number; window_ms: number }[];
  budgets: { id: string; action: string; param: string; max: number; window_ms?: number }[];
}

const profileArb: fc.Arbitrary<Profile> = fc
  .record({
    unlisted: fc.constantFrom('allow' as const, 'deny' as const),
    actions: fc.array(
      fc.record({ effect: fc.constantFrom('allow' as const, 'deny' as const), pattern: fc.constantFrom(...PATTERNS) }),
      { maxLength: 5 },
    ),
    params: fc.array(
      fc.record({
        action: fc.constantFrom(...PATTERNS),
        param: fc.constantFrom('p', 'q'),
        lo: fc.integer({ min: -5, max: 5 }),
        span: fc.nat(10),
      }),
      { maxLength: 4 },
    ),
    rates: fc.array(
      fc.record({
        action: fc.constantFrom(...PATTERNS),
        max: fc.integer({ min: 1, max: 4 }),
        window_ms: fc.integer({ min: 1, max: 3000 }),
      }),
      { maxLength: 3 },
    ),
    budgets: fc.array(
      fc.record({
        action: fc.constantFrom(...PATTERNS),
        param: fc.constantFrom('p', 'q'),
        max: fc.integer({ min: 0, max: 20 }),
        window_ms: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
  })
  .map((r) => ({
    unlisted: r.unlisted,
    actions: r.actions.map((a, i) => ({ id: `act${i}`, ...a })),
    params: r.params.map((p, i) => ({
      id: `par${i}`,
      action: p.action,
      param: p.param,
      check: 'range' as const,
      min: p.lo,
      max: p.lo + p.span,
    })),
    rates: r.rates.map((x, i) => ({ id: `rat${i}`, ...x })),
    budgets: r.budgets.map((b, i) => ({
      id: `bud${i}`,
      action: b.action,
      param: b.param,
      max: b.max,
      ...(b.window_ms === undefined ? {} : { window_ms: b.window_ms }),
    })),
  }));

const streamArb = fc.array(
  fc.record({
    act: fc.constantFrom(...ACTS),
    gap: fc.integer({ min: 0, max: 1500 }),
    p: fc.option(fc.integer({ min: -8, max: 12 }), { nil: undefined }),
    q: fc.option(fc.integer({ min: -8, max: 12 }), { nil: undefined }),
  }),
  { maxLength: 40 },
);

function naive(profile: Profile, stream: { act: string; time: number; params: Record<string, number> }[]): string[][] {
  const history: { act: string; time: number; params: Record<string, number> }[] = [];
  return stream.map((o) => {
    const out: string[] = [];
    const deny = profile.actions.find((r) => r.effect === 'deny' && toRe(r.pattern).test(o.act));
    if (deny) out.push(`${deny.id}:forbidden_action`);
    else if (
      profile.unlisted === 'deny' &&
      !profile.actions.some((r) => r.effect === 'allow' && toRe(r.pattern).test(o.act))
    )
      out.push('actions.unlisted:unlisted_action');
    for (const r of profile.params) {
      const v = o.params[r.param];
      if (toRe(r.action).test(o.act) && v !== undefined && (v < r.min || v > r.max))
        out.push(`${r.id}:parameter_out_of_range`);
    }
    for (const r of profile.rates) {
      if (!toRe(r.action).test(o.act)) continue;
      const count = history.filter((h) => toRe(r.action).test(h.act) && h.time > o.time - r.window_ms).length;
      if (count + 1 > r.max) out.push(`${r.id}:rate_exceeded`);
    }
    for (const r of profile.budgets) {
      const v = o.params[r.param];
      if (!toRe(r.action).test(o.act) || v === undefined) continue;
      const sum = history
        .filter((h) => toRe(r.action).test(h.act) && (r.window_ms === undefined || h.time > o.time - r.window_ms))
        .reduce((s, h) => s + (h.params[r.param] ?? 0), 0);
      if (sum + v > r.max) out.push(`${r.id}:budget_exceeded`);
    }
    if (out.length === 0) history.push(o);
    return out;
  });
}

describe('compiled monitor agrees with a naive evaluation', () => {
  it('on random profiles and streams (property)', () => {
    fc.assert(
      fc.property(profileArb, streamArb, (profile, raw) => {
        let time = T0;
        const stream = raw.map((r) => {
          time += r.gap;
          const params: Record<string, number> = {};
          if (r.p !== undefined) params.p = r.p;
          if (r.q !== undefined) params.q = r.q;
          return { act: r.act, time, params };
        });
        const clock = fixedClock(T0);
        const m = new Monitor(
          compileProfile({
            actions: { unlisted: profile.unlisted, rules: profile.actions },
            parameters: profile.params,
            rates: profile.rates,
            budgets: profile.budgets,
          }),
          { clock },
        );
        const got = stream.map((o) => {
          clock.set(o.time);
          const v = m.evaluate(obs(o.act, o.params));
          expect(v.decision).toBe(v.violations.length ? 'block' : 'allow');
          return v.violations.map((x) => `${x.rule}:${x.class}`);
        });
        expect(got).toEqual(naive(profile, stream));
      }),
      { numRuns: 500 },
    );
  });
});

import {
  DEFAULT_ESCALATION,
  RESPONSES,
  type Rules,
  RulesSchema,
  VIOLATION_CLASSES,
} from '@safety-net/behavioral-verification';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patternWithin, wideningOf } from '../../src/guard/profile-narrowing.js';

/**
 * Random rules in which no two rules constrain the same thing (distinct action names and parameters per rule), so
 * that loosening any one rule really lets something through that was refused before.
 */
const rulesArb: fc.Arbitrary<Rules> = fc
  .record({
    unlisted: fc.constantFrom('allow', 'deny'),
    allows: fc.integer({ min: 0, max: 3 }),
    denies: fc.integer({ min: 0, max: 3 }),
    parameters: fc.array(
      fc.oneof(
        fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 50 })).map(([min, span]) => ({
          check: 'range' as const,
          min,
          max: String(min + span),
        })),
        fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 5 }).map((values) => ({
          check: 'enum' as const,
          values,
        })),
        fc.integer({ min: 1, max: 100 }).map((max) => ({ check: 'length' as const, max })),
        fc
          .integer({ min: 1, max: 100 })
          .map((max_length) => ({ check: 'pattern' as const, regex: '[a-z]+', max_length })),
      ),
      { maxLength: 3 },
    ),
    required: fc.boolean(),
    rates: fc.array(fc.tuple(fc.integer({ min: 2, max: 100 }), fc.integer({ min: 2, max: 60_000 })), { maxLength: 2 }),
    budgets: fc.array(fc.tuple(fc.integer({ min: -100, max: 100 }), fc.boolean()), { maxLength: 2 }),
    sequences: fc.array(fc.tuple(fc.constantFrom('requires', 'forbids'), fc.constantFrom('predecessor', 'ancestor')), {
      maxLength: 2,
    }),
    scopes: fc.integer({ min: 0, max: 2 }),
    drift: fc.boolean(),
    escalation: fc.dictionary(
      fc.constantFrom(...VIOLATION_CLASSES),
      fc.uniqueArray(fc.constantFrom(...RESPONSES), { minLength: 1, maxLength: 3 }),
    ),
  })
  .map((g) =>
    RulesSchema.parse({
      actions: {
        unlisted: g.unlisted,
        rules: [
          ...Array.from({ length: g.allows }, (_, i) => ({
            id: `allow-${i}`,
            effect: 'allow',
            pattern: `allow.${i}.*`,
          })),
          ...Array.from({ length: g.denies }, (_, i) => ({ id: `deny-${i}`, effect: 'deny', pattern: `deny.${i}` })),
        ],
      },
      parameters: g.parameters.map((p, i) => ({
        id: `param-${i}`,
        action: `act.${i}`,
        param: `x${i}`,
        required: g.required,
        ...p,
      })),
      rates: g.rates.map(([max, window_ms], i) => ({ id: `rate-${i}`, action: `rate.${i}`, max, window_ms })),
      budgets: g.budgets.map(([max, windowed], i) => ({
        id: `budget-${i}`,
        action: `budget.${i}`,
        param: 'amount',
        max,
        ...(windowed ? { window_ms: 60_000 } : {}),
      })),
      sequences: g.sequences.map(([kind, relation], i) => ({
        id: `seq-${i}`,
        kind,
        relation,
        action: `seq.${i}`,
        after: `after.${i}`,
      })),
      scopes: Array.from({ length: g.scopes }, (_, i) => ({
        id: `scope-${i}`,
        action: `scope.${i}`,
        allowed: [`s${i}.*`],
      })),
      drift: g.drift
        ? {
            numeric: [{ id: 'latency', action: '*', source: 'latency_ms', mean: 100, sd: 20 }],
            mix: [{ id: 'mix', baseline: { 'act.0': 3, 'act.1': 1 }, window: 50, threshold: 0.2 }],
          }
        : undefined,
      escalation: g.escalation,
    }),
  );

type Change = (r: Rules, n: number) => Rules | undefined;
const copy = (r: Rules): Rules => structuredClone(r);
const at = <T>(list: readonly T[], n: number): number | undefined => (list.length === 0 ? undefined : n % list.length);

/** Each loosens one field of a profile, or is not applicable to it (undefined). */
const WIDENINGS: Record<string, Change> = {
  'unlisted actions allowed': (r) => {
    if (r.actions.unlisted !== 'deny') return undefined;
    const w = copy(r);
    w.actions.unlisted = 'allow';
    return w;
  },
  'an allow rule added': (r) => {
    if (r.actions.unlisted !== 'deny') return undefined;
    const w = copy(r);
    w.actions.rules.push({ id: 'wide', effect: 'allow', pattern: 'wide.*' });
    return w;
  },
  'an allow rule broadened': (r, n) => {
    const allows = r.actions.rules.filter((a) => a.effect === 'allow');
    if (r.actions.unlisted !== 'deny' || allows.length === 0) return undefined;
    const w = copy(r);
    const rule = w.actions.rules.find((a) => a.id === allows[n % allows.length]!.id)!;
    rule.pattern = 'allow.*';
    return w;
  },
  'a deny rule dropped': (r, n) => {
    const denies = r.actions.rules.filter((a) => a.effect === 'deny');
    if (denies.length === 0) return undefined;
    const w = copy(r);
    w.actions.rules = w.actions.rules.filter((a) => a.id !== denies[n % denies.length]!.id);
    return w;
  },
  'a parameter bound loosened': (r, n) => {
    const i = at(r.parameters, n);
    if (i === undefined) return undefined;
    const w = copy(r);
    const p = w.parameters[i]!;
    if (p.check === 'range') p.max = String(Number(p.max) + 1);
    else if (p.check === 'length') p.max = p.max! + 1;
    else if (p.check === 'pattern') p.max_length += 1;
    else p.values.push(1000);
    return w;
  },
  'a required parameter made optional': (r, n) => {
    const i = at(r.parameters, n);
    if (i === undefined || !r.parameters[i]!.required) return undefined;
    const w = copy(r);
    w.parameters[i]!.required = false;
    return w;
  },
  'a parameter rule dropped': (r, n) => {
    const i = at(r.parameters, n);
    if (i === undefined) return undefined;
    const w = copy(r);
    w.parameters.splice(i, 1);
    return w;
  },
  'a rate raised': (r, n) => {
    const i = at(r.rates, n);
    if (i === undefined) return undefined;
    const w = copy(r);
    w.rates[i]!.max += 1;
    return w;
  },
  'a rate window shortened': (r, n) => {
    const i = at(r.rates, n);
    if (i === undefined) return undefined;
    const w = copy(r);
    w.rates[i]!.window_ms -= 1;
    return w;
  },
  'a budget raised': (r, n) => {
    const i = at(r.budgets, n);
    if (i === undefined) return undefined;
    const w = copy(r);
    w.budgets[i]!.max = Number(w.budgets[i]!.max) + 1;
    return w;
  },
  'a sequence rule dropped': (r, n) => {
    const i = at(r.sequences, n);
    if (i === undefined) return undefined;
    const w = copy(r);
    w.sequences.splice(i, 1);
    return w;
  },
  'a scope allowed': (r, n) => {
    const i = at(r.scopes, n);
    if (i === undefined) return undefined;
    const w = copy(r);
    w.scopes[i]!.allowed.push('extra.*');
    return w;
  },
  'a drift rule dropped': (r) => {
    if (r.drift.numeric.length === 0) return undefined;
    const w = copy(r);
    w.drift.numeric = [];
    return w;
  },
  'an escalation response dropped': (r, n) => {
    const v = VIOLATION_CLASSES[n % VIOLATION_CLASSES.length]!;
    const w = copy(r);
    const had = r.escalation[v];
    w.escalation[v] = had && had.length > 1 ? had.slice(1) : had?.[0] === 'record' ? ['alert'] : ['record'];
    return w;
  },
};

/** Each tightens a profile: the result narrows it. */
const NARROWINGS: Change[] = [
  (r) => {
    const w = copy(r);
    w.actions.unlisted = 'deny';
    w.actions.rules = w.actions.rules.filter((a) => r.actions.unlisted === 'deny' || a.effect === 'deny');
    return w;
  },
  (r, n) => {
    const w = copy(r);
    w.actions.rules.push({ id: `deny-new-${n}`, effect: 'deny', pattern: `new.${n}.*` });
    return w;
  },
  (r, n) => {
    const i = at(r.parameters, n);
    if (i === undefined) return undefined;
    const w = copy(r);
    const p = w.parameters[i]!;
    if (p.check === 'range' && Number(p.max) > Number(p.min)) p.max = String(Number(p.max) - 1);
    else if (p.check === 'enum' && p.values.length > 1) p.values.pop();
    else if (p.check === 'pattern' && p.max_length > 1) p.max_length -= 1;
    p.required = true;
    return w;
  },
  (r, n) => {
    const i = at(r.rates, n);
    if (i === undefined) return undefined;
    const w = copy(r);
    w.rates[i]!.max -= 1;
    w.rates[i]!.window_ms += 1;
    return w;
  },
  (r, n) => {
    const i = at(r.budgets, n);
    if (i === undefined) return undefined;
    const w = copy(r);
    w.budgets[i]!.max = Number(w.budgets[i]!.max) - 1;
    return w;
  },
  (r, n) => {
    const w = copy(r);
    const v = VIOLATION_CLASSES[n % VIOLATION_CLASSES.length]!;
    w.escalation[v] = [...new Set([...(r.escalation[v] ?? DEFAULT_ESCALATION[v]), 'block' as const])];
    return w;
  },
];
const narrowed = (r: Rules, steps: readonly [number, number][]): Rules =>
  steps.reduce((acc, [k, n]) => NARROWINGS[k % NARROWINGS.length]!(acc, n) ?? acc, r);
const stepsArb = fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 });

describe('a constraint may only narrow (spec §8.1)', () => {
  it('a profile always narrows itself', () => {
    fc.assert(fc.property(rulesArb, (r) => wideningOf(r, r) === undefined));
  });

  it('narrowing is transitive', () => {
    fc.assert(
      fc.property(rulesArb, stepsArb, stepsArb, (a, first, second) => {
        const b = narrowed(a, first);
        const c = narrowed(b, second);
        expect(wideningOf(b, a)).toBeUndefined();
        expect(wideningOf(c, b)).toBeUndefined();
        expect(wideningOf(c, a)).toBeUndefined();
      }),
    );
  });

  it('a widening of any one field is refused', () => {
    const names = Object.keys(WIDENINGS);
    fc.assert(
      fc.property(rulesArb, fc.constantFrom(...names), fc.nat(), (r, name, n) => {
        const wider = WIDENINGS[name]!(r, n);
        fc.pre(wider !== undefined);
        expect(wideningOf(RulesSchema.parse(wider), r), name).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });

  it('says which rule is loosened', () => {
    const current = RulesSchema.parse({
      actions: { unlisted: 'deny', rules: [{ id: 'pharmacy', effect: 'allow', pattern: 'pharmacy.*' }] },
      parameters: [{ id: 'cap', action: 'pharmacy.dispense', param: 'units', check: 'range', max: '1000' }],
    });
    const looser = RulesSchema.parse({
      ...current,
      parameters: [{ ...current.parameters[0]!, max: '5000' }],
    });
    expect(wideningOf(looser, current)).toBe('parameter rule cap is loosened or dropped');
    expect(wideningOf(current, looser)).toBeUndefined();
    // A rule covering more actions is stricter: a cap on every pharmacy action keeps the dispense cap.
    const broader = RulesSchema.parse({
      ...current,
      parameters: [{ ...current.parameters[0]!, action: 'pharmacy.*', max: '500' }],
    });
    expect(wideningOf(broader, current)).toBeUndefined();
  });
});

describe('pattern inclusion', () => {
  const literal = fc.stringMatching(/^[ab.]{0,4}$/);
  const pattern = fc.array(fc.oneof(literal, fc.constant('*')), { maxLength: 4 }).map((p) => p.join(''));

  it('agrees with matching: an inner pattern within an outer one matches nothing the outer does not', () => {
    // Every way of filling inner's stars from a small alphabet is matched by outer exactly when inclusion holds for
    // all fillings; with fillings of length 0–3 over {a, b, .} and a fresh character, that is checked exhaustively.
    const fillings = ['', 'a', 'b', '.', 'ab', 'ba', 'a.b', 'z', 'zz'];
    const matches = (p: string, s: string) =>
      new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`, 's').test(s);
    fc.assert(
      fc.property(pattern, pattern, (inner, outer) => {
        const parts = inner.split('*');
        const instances = parts
          .slice(1)
          .reduce<string[]>((acc, part) => acc.flatMap((s) => fillings.map((f) => s + f + part)), [parts[0]!]);
        const contained = instances.every((s) => matches(outer, s));
        if (patternWithin(inner, outer)) expect(contained).toBe(true);
        // A fresh character in every star witnesses non-inclusion.
        else expect(matches(outer, parts.join('z'))).toBe(false);
      }),
    );
  });
});

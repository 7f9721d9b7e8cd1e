
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimal, compareDecimal, formatDecimal, parseDecimal } from '../../src/rules/decimal.js';
import { parseRules } from '../../src/rules/parse.js';
import { compilePattern } from '../../src/rules/pattern.js';
import { compileSafeRegex } from '../../src/rules/safe-regex.js';
import { codeOf as code } from '../../../../test-support/codes.js';

describe('decimal', () => {
  it('is exact where doubles are not', () => {
    const a = parseDecimal('1000000.000000000000000001')!;
    expect(compareDecimal(a, parseDecimal(1_000_000)!)).toBe(1);
    expect(Number('1000000.000000000000000001') > 1_000_000).toBe(false); // the double cannot tell
    expect(formatDecimal(addDecimal(parseDecimal(0.1)!, parseDecimal(0.2)!))).toBe('0.3');
    expect(formatDecimal(parseDecimal('1e6')!)).toBe('1000000');
    expect(formatDecimal(parseDecimal('-0.0500')!)).toBe('-0.05');
    expect(parseDecimal(Number.NaN)).toBeUndefined();
    expect(parseDecimal('1'.repeat(65))).toBeUndefined();
    expect(parseDecimal('0x10')).toBeUndefined();
  });

  it('agrees with BigInt on integers scaled by a common power of ten (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.nat(12), (x, y, s) => {
        const text = (v: bigint) => {
          const neg = v < 0n;
          const digits = (neg ? -v : v).toString().padStart(s + 1, '0');
          return `${neg ? '-' : ''}${s ? `${digits.slice(0, -s)}.${digits.slice(-s)}` : digits}`;
        };
        const a = parseDecimal(text(x))!;
        const b = parseDecimal(text(y))!;
        expect(compareDecimal(a, b)).toBe(x < y ? -1 : x > y ? 1 : 0);
        expect(formatDecimal(addDecimal(a, b))).toBe(formatDecimal(parseDecimal(text(x + y))!));
      }),
      { numRuns: 500 },
    );
  });
});

describe('action patterns', () => {
  it('match like the equivalent anchored regular expression (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '.', '*');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }), fc.array(fc.constantFrom('a', 'b', '.'), { maxLength: 10 }), (p, a) => {
        const pattern = p.join('') || 'a';
        const action = a.join('');
        const re = new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`, 's');
        expect(compilePattern(pattern).test(action)).toBe(re.test(action));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('safe regular expressions', () => {
  it.each(['(a+)+b', '(a|aa)*', '(a*)*', '(?:x+y?)+', '(a)\\1', '(?=a)a', '(?<!a)b', '(?<n>a)\\k<n>', 'a*b*c*d*e*', 'a'.repeat(257), '(a', 'a)', '['])(
    'refuses %s',
    (src) => expect(code(() => compileSafeRegex(src))).toBe('ERR_BV_RULES_INVALID'),
  );

  it.each(['[A-Z]{1,5}', '(?:ab)+', '[a-z0-9_-]+', '\\w+@\\w+\\.\\w+', '(?<cc>[A-Z]{3})', '(a|b)c', 'x(ab)?y'])('accepts %s', (src) => {
    expect(compileSafeRegex(src)).toBeInstanceOf(RegExp);
  });

  it('anchors at both ends', () => {
    expect(compileSafeRegex('ab').test('xab')).toBe(false);
    expect(compileSafeRegex('a|b').test('ab')).toBe(false);
  });

  it('never throws anything but ERR_BV_RULES_INVALID on random sources (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'()[]{}*+?|\\^$.a1,<>=!:k'), maxLength: 40 }), (src) => {
        expect(['no error', 'ERR_BV_RULES_INVALID']).toContain(code(() => compileSafeRegex(src)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseRules', () => {
  it('fills defaults', () => {
    const r = parseRules({});
    expect(r.actions).toEqual({ unlisted: 'deny', rules: [] });
    expect(r.drift).toEqual({ numeric: [], mix: [] });
  });

  it.each([
    ['unknown key', { bogus: 1 }],
    ['reserved id', { actions: { rules: [{ id: 'actions.unlisted', effect: 'allow', pattern: 'x' }] } }],
    ['duplicate across kinds', { actions: { rules: [{ id: 'a', effect: 'allow', pattern: 'x' }] }, rates: [{ id: 'a', action: 'x', max: 1, window_ms: 1 }] }],
    ['range without bounds', { parameters: [{ id: 'p', action: 'x', param: 'v', check: 'range' }] }],
    ['length inverted', { parameters: [{ id: 'p', action: 'x', param: 'v', check: 'length', min: 3, max: 2 }] }],
    ['bad decimal', { budgets: [{ id: 'b', action: 'x', param: 'v', max: '1e3' }] }],
    ['unsafe float bound', { budgets: [{ id: 'b', action: 'x', param: 'v', max: 0.5 }] }],
    ['param drift without param', { drift: { numeric: [{ id: 'd', action: 'x', source: 'param', mean: 0, sd: 1 }] } }],
    ['latency drift with param', { drift: { numeric: [{ id: 'd', action: 'x', source: 'latency_ms', param: 'p', mean: 0, sd: 1 }] } }],
    ['zero sd', { drift: { numeric: [{ id: 'd', action: 'x', source: 'latency_ms', mean: 0, sd: 0 }] } }],
    ['weightless mix', { drift: { mix: [{ id: 'm', baseline: { a: 0 }, window: 10, threshold: 0.1 }] } }],
    ['mix weights summing past the double range', { drift: { mix: [{ id: 'm', baseline: { a: 1e308, b: 1e308 }, window: 10, threshold: 0.1 }] } }],
    ['unknown response', { escalation: { drift: ['shrug'] } }],
    ['unknown class', { escalation: { bad: ['block'] } }],
    ['empty pattern', { actions: { rules: [{ id: 'a', effect: 'allow', pattern: '' }] } }],
  ])('refuses %s', (_, rules) => expect(code(() => parseRules(rules))).toBe('ERR_BV_RULES_INVALID'));

  it('refuses input whose getters throw', () => {
    const evil = {
      get actions(): never {
        throw new Error('boom');
      },
    };
    expect(code(() => parseRules(evil))).toBe('ERR_BV_RULES_INVALID');
    expect(code(() => parseRules(new Proxy({}, { ownKeys: () => { throw new Error('x'); } })))).toBe('ERR_BV_RULES_INVALID');
  });

  it('garbage ends as ERR_BV_RULES_INVALID or a valid profile, never anything else (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ actions: fc.anything(), parameters: fc.anything(), rates: fc.anything(), drift: fc.anything() }, { requiredKeys: [] })), (input) => {
        expect(['no error', 'ERR_BV_RULES_INVALID']).toContain(code(() => parseRules(input)));
      }),
      { numRuns: 1000 },
    );
  });
});

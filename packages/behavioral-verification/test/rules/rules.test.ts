import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf as code } from '../../../../test-support/codes.js';
import { addDecimal, compareDecimal, formatDecimal, parseDecimal } from '../../src/rules/decimal.js';
import { parseRules } from '../../src/rules/parse.js';
import { compilePattern } from '../../src/rules/pattern.js';
import { compileSafeRegex, MAX_REGEX_INPUT } from '../../src/rules/safe-regex.js';

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
      fc.property(
        fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
        fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
        fc.nat(12),
        (x, y, s) => {
          const text = (v: bigint) => {
            const neg = v < 0n;
            const digits = (neg ? -v : v).toString().padStart(s + 1, '0');
            return `${neg ? '-' : ''}${s ? `${digits.slice(0, -s)}.${digits.slice(-s)}` : digits}`;
          };
          const a = parseDecimal(text(x))!;
          const b = parseDecimal(text(y))!;
          expect(compareDecimal(a, b)).toBe(x < y ? -1 : x > y ? 1 : 0);
          expect(formatDecimal(addDecimal(a, b))).toBe(formatDecimal(parseDecimal(text(x + y))!));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('action patterns', () => {
  it('match like the equivalent anchored regular expression (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '.', '*');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }),
        fc.array(fc.constantFrom('a', 'b', '.'), { maxLength: 10 }),
        (p, a) => {
          const pattern = p.join('') || 'a';
          const action = a.join('');
          const re = new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`, 's');
          expect(compilePattern(pattern).test(action)).toBe(re.test(action));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('safe regular expressions', () => {
  it.each([
    '(a+)+b',
    '(a|aa)*',
    '(a*)*',
    '(?:x+y?)+',
    '(a)\\1',
    '(?=a)a',
    '(?<!a)b',
    '(?<n>a)\\k<n>',
    'a*b*c*d*e*',
    'a'.repeat(257),
    '(a',
    'a)',
    '[',
  ])('refuses %s', (src) => expect(code(() => compileSafeRegex(src))).toBe('ERR_BV_RULES_INVALID'));

  it.each([
    ['an alternation inside an unquantified group inside a quantified one', '(?:(?:a|a))*b'],
    ['the same, one level down', '(?:x(?:a|ab))*c'],
    ['an optional part inside a quantified group', '(?:ab?)*'],
    ['adjacent unbounded repetitions that take the same characters', 'a*a*a*a*b'],
    ['chained bounded repetitions', `${'a{0,1000}'.repeat(8)}b`],
    ['optional parts that start like what follows them', `${'a?'.repeat(60)}a{60}`],
    ['two repetitions separated by characters they can take', '.*a.*a.*b'],
    ['alternatives that start alike', '(foo|far)'],
    ['an empty alternative that starts like what follows', '(?:a|)a'],
    ['two empty alternatives', '(?:|)'],
    ['more than 8 other choices beside an overlapping repetition', '.*[ab][ab]*c?d?e?f?g?h?i?j?'],
    ['a negated class holding a property escape (counted as any character)', '[^\\p{L}]+x+x'],
    ['an escaped surrogate pair (one character)', '\\uD83D\\uDE00*\\u{1F600}*😀'],
  ])('refuses %s: %s', (_, src) => expect(code(() => compileSafeRegex(src))).toBe('ERR_BV_RULES_INVALID'));

  it.each([
    '[A-Z]{1,5}',
    '(?:ab)+',
    '[a-z0-9_-]+',
    '\\w+@\\w+\\.\\w+',
    '(?<cc>[A-Z]{3})',
    '(a|b)c',
    'x(ab)?y',
    'a?b',
    'a|',
    '[0-9]{4}-[0-9]{2}-[0-9]{2}',
    'https?://[a-z.]+',
    '.*password.*',
    '.*(?:password|secret).*',
  ])('accepts %s', (src) => {
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

  it('admits only patterns that match hostile texts of up to MAX_REGEX_INPUT characters quickly (property)', () => {
    const atom = fc.constantFrom('a', 'b', 'c', '.', '[ab]', '[^a]', '[bc]');
    const quantifier = fc.constantFrom('', '', '*', '+', '?', '{2}', '{0,3}', '{1,1000}', '*?');
    const term = (depth: number): fc.Arbitrary<string> =>
      fc
        .tuple(
          depth === 0 ? atom : fc.oneof({ arbitrary: atom, weight: 3 }, { arbitrary: group(depth - 1), weight: 1 }),
          quantifier,
        )
        .map(([a, q]) => a + q);
    const alternation = (depth: number): fc.Arbitrary<string> =>
      fc
        .array(
          fc.array(term(depth), { minLength: 1, maxLength: 4 }).map((t) => t.join('')),
          { minLength: 1, maxLength: 2 },
        )
        .map((s) => s.join('|'));
    const group = (depth: number): fc.Arbitrary<string> =>
      fc.tuple(fc.constantFrom('(?:', '('), alternation(depth)).map(([open, p]) => `${open}${p})`);
    // Runs of one character or of a pair, then a character no atom but `[^a]` takes, so that matching must fail.
    const texts = ['a', 'b', 'c', 'ab'].map((unit) => (n: number) => `${unit.repeat(Math.ceil(n / unit.length))}\n`);
    fc.assert(
      fc.property(alternation(2), (src) => {
        let re: RegExp;
        try {
          re = compileSafeRegex(src);
        } catch {
          return; // refused
        }
        for (const text of texts) {
          for (const n of MATCH_LENGTHS)
            expect(matchMs(re, text(n)), `${src} on ${n} characters`).toBeLessThan(MATCH_BUDGET_MS);
        }
      }),
      { numRuns: 200, endOnFailure: true },
    );
  });
});

/** Generous: an admitted pattern takes well under a millisecond to a few on these texts. */
const MATCH_BUDGET_MS = 50;
/**
 * Text lengths up to MAX_REGEX_INPUT, growing slowly at first so that a pattern with exponential backtracking fails
 * the budget at a short length instead of running for hours.
 */
const MATCH_LENGTHS = [...Array.from({ length: 32 }, (_, i) => 2 * (i + 1))];
for (let n = 80; n < MAX_REGEX_INPUT; n = Math.ceil(n * 1.25)) MATCH_LENGTHS.push(n);
MATCH_LENGTHS.push(MAX_REGEX_INPUT);

/** Time of one match, the better of two when the first is over budget (a garbage collection can land in it). */
function matchMs(re: RegExp, text: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 2 && best >= MATCH_BUDGET_MS; i++) {
    const start = performance.now();
    re.test(text);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('parseRules', () => {
  it('fills defaults', () => {
    const r = parseRules({});
    expect(r.actions).toEqual({ unlisted: 'deny', rules: [] });
    expect(r.drift).toEqual({ numeric: [], mix: [] });
  });

  it.each([
    ['unknown key', { bogus: 1 }],
    ['reserved id', { actions: { rules: [{ id: 'actions.unlisted', effect: 'allow', pattern: 'x' }] } }],
    [
      'duplicate across kinds',
      {
        actions: { rules: [{ id: 'a', effect: 'allow', pattern: 'x' }] },
        rates: [{ id: 'a', action: 'x', max: 1, window_ms: 1 }],
      },
    ],
    ['range without bounds', { parameters: [{ id: 'p', action: 'x', param: 'v', check: 'range' }] }],
    ['length inverted', { parameters: [{ id: 'p', action: 'x', param: 'v', check: 'length', min: 3, max: 2 }] }],
    ['length without bounds', { parameters: [{ id: 'p', action: 'x', param: 'v', check: 'length' }] }],
    [
      'range inverted, exactly',
      { parameters: [{ id: 'p', action: 'x', param: 'v', check: 'range', min: '0.30000000000000001', max: '0.3' }] },
    ],
    [
      'a bad bound beside a range',
      { parameters: [{ id: 'p', action: 'x', param: 'v', check: 'range', min: 'ten', max: 1 }] },
    ],
    [
      'mix baseline of 1001 actions',
      {
        drift: {
          mix: [
            {
              id: 'm',
              baseline: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`a${i}`, 1])),
              window: 10,
              threshold: 0.1,
            },
          ],
        },
      },
    ],
    ['bad decimal', { budgets: [{ id: 'b', action: 'x', param: 'v', max: '1e3' }] }],
    ['unsafe float bound', { budgets: [{ id: 'b', action: 'x', param: 'v', max: 0.5 }] }],
    ['param drift without param', { drift: { numeric: [{ id: 'd', action: 'x', source: 'param', mean: 0, sd: 1 }] } }],
    [
      'latency drift with param',
      { drift: { numeric: [{ id: 'd', action: 'x', source: 'latency_ms', param: 'p', mean: 0, sd: 1 }] } },
    ],
    ['zero sd', { drift: { numeric: [{ id: 'd', action: 'x', source: 'latency_ms', mean: 0, sd: 0 }] } }],
    ['weightless mix', { drift: { mix: [{ id: 'm', baseline: { a: 0 }, window: 10, threshold: 0.1 }] } }],
    [
      'mix weights summing past the double range',
      { drift: { mix: [{ id: 'm', baseline: { a: 1e308, b: 1e308 }, window: 10, threshold: 0.1 }] } },
    ],
    ['unknown response', { escalation: { drift: ['shrug'] } }],
    ['unknown class', { escalation: { bad: ['block'] } }],
    ['empty pattern', { actions: { rules: [{ id: 'a', effect: 'allow', pattern: '' }] } }],
  ])('refuses %s', (_, rules) => expect(code(() => parseRules(rules))).toBe('ERR_BV_RULES_INVALID'));

  it('says which rule breaks a constraint between fields', () => {
    const rules = {
      actions: { rules: [{ id: 'a', effect: 'allow', pattern: 'x' }] },
      rates: [{ id: 'a', action: 'x', max: 1, window_ms: 1 }],
    };
    expect(() => parseRules(rules)).toThrow(/rates\.0\.id: duplicate or reserved rule id a/);
    const equal = { parameters: [{ id: 'p', action: 'x', param: 'v', check: 'range', min: '0.30', max: '0.3' }] };
    expect(parseRules(equal).parameters).toHaveLength(1);
  });

  it('refuses input whose getters throw', () => {
    const evil = {
      get actions(): never {
        throw new Error('boom');
      },
    };
    expect(code(() => parseRules(evil))).toBe('ERR_BV_RULES_INVALID');
    expect(
      code(() =>
        parseRules(
          new Proxy(
            {},
            {
              ownKeys: () => {
                throw new Error('x');
              },
            },
          ),
        ),
      ),
    ).toBe('ERR_BV_RULES_INVALID');
  });

  it('garbage ends as ERR_BV_RULES_INVALID or a valid profile, never anything else (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record(
            { actions: fc.anything(), parameters: fc.anything(), rates: fc.anything(), drift: fc.anything() },
            { requiredKeys: [] },
          ),
        ),
        (input) => {
          expect(['no error', 'ERR_BV_RULES_INVALID']).toContain(code(() => parseRules(input)));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

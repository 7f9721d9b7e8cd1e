import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDecimal,
  compareDecimal,
  divideRounded,
  formatDecimal,
  type Item,
  type PriceTableClaims,
  parseDecimal,
  rate,
  sumDecimals,
} from '../../src/index.js';
import { sampleStatementClaims, samplePriceTableClaims as table } from '../../src/testing.js';

const d = parseDecimal;

describe('exact decimals', () => {
  it('parses and prints the wire form, refusing anything else', () => {
    expect(formatDecimal(d('12'))).toBe('12');
    expect(formatDecimal(d('-1.500'))).toBe('-1.5');
    expect(formatDecimal(d('1.5'), 3)).toBe('1.500');
    expect(formatDecimal(d('123456789012345678901234567890.123456789012345678'))).toBe(
      '123456789012345678901234567890.123456789012345678',
    );
    for (const bad of ['', '01', '1.', '.5', '1e3', '+1', '1.1234567890123456789', '0x10', ' 1']) {
      expect(() => d(bad)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
    }
    expect(() => formatDecimal(d('1.25'), 1)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
  });

  it('rounds once, half to even, half up (away from zero) or down, as a table says', () => {
    const cases: [string, string, number, 'half_even' | 'half_up' | 'down', string][] = [
      ['0.125', '1', 2, 'half_even', '0.12'],
      ['0.135', '1', 2, 'half_even', '0.14'],
      ['0.125', '1', 2, 'half_up', '0.13'],
      ['0.129', '1', 2, 'down', '0.12'],
      ['-0.125', '1', 2, 'half_even', '-0.12'],
      ['-0.125', '1', 2, 'half_up', '-0.13'],
      ['-0.129', '1', 2, 'down', '-0.12'],
      ['1', '3', 4, 'half_even', '0.3333'],
      ['2', '3', 0, 'half_even', '1'],
      ['5', '2', 0, 'half_even', '2'],
      ['7', '2', 0, 'half_even', '4'],
    ];
    for (const [n, div, scale, mode, out] of cases) {
      expect(formatDecimal(divideRounded(d(n), d(div), scale, mode), scale), `${n}/${div} ${mode}`).toBe(out);
    }
  });

  it('agrees with bigint arithmetic on random values (exact sums and products, no float)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.integer({ min: 0, max: 18 }),
        (a, b, s) => {
          const x = { units: a, scale: s };
          const y = { units: b, scale: 0 };
          const sum = addDecimal(x, y);
          expect(sum.units).toBe(a + b * 10n ** BigInt(s));
          expect(compareDecimal(sum, x)).toBe(b === 0n ? 0 : 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Items of one model drawn at random: whole token counts. */
const tokenItems = fc.array(
  fc.record({
    kind: fc.constantFrom(
      'gen_ai.usage.input_tokens' as const,
      'gen_ai.usage.output_tokens' as const,
      'api_calls' as const,
    ),
    quantity: fc.bigInt({ min: 0n, max: 10n ** 15n }).map(String),
  }),
  { maxLength: 30 },
);
const withModel = (items: { kind: Item['kind']; quantity: string }[]): Item[] =>
  items.map((i) => (i.kind === 'api_calls' ? i : { ...i, model: 'gpt-4.1-mini' }));

describe('rating (spec §8.4)', () => {
  it('rates the sample record: cached and reasoning tokens handled as the conventions include them', () => {
    // input 120000 of which 20000 cached: 100000 × 0.40/1e6 = 0.04 and 20000 × 0.10/1e6 = 0.002 → 0.00 (half even);
    // output 8000 including 3000 reasoning (no price of its own: stays in output) × 1.60/1e6 = 0.0128 → 0.01;
    // 3 calls × 0.50/1000 = 0.0015 → 0.00; 12.5 s × 0.12/3600 = 0.000416… → 0.00.
    expect(sampleStatementClaims.lines).toEqual([
      { kind: 'cpu_seconds', quantity: '12.5', amount: '0.00' },
      { kind: 'api_calls', quantity: '3', amount: '0.00' },
      { kind: 'gen_ai.usage.input_tokens', model: 'gpt-4.1-mini', quantity: '100000', amount: '0.04' },
      { kind: 'gen_ai.usage.output_tokens', model: 'gpt-4.1-mini', quantity: '8000', amount: '0.01' },
      { kind: 'gen_ai.usage.cache_read.input_tokens', model: 'gpt-4.1-mini', quantity: '20000', amount: '0.00' },
    ]);
    expect(sampleStatementClaims.total).toBe('0.05');
  });

  it('rounds once per line, never per record: a half-cent tie over two records', () => {
    const t: PriceTableClaims = { ...table, prices: [{ kind: 'api_calls', per: '1', price: '0.0025' }] };
    // One call each would round to 0.00 twice; two calls together are 0.005 → 0.00 (half even), 0.01 (half up).
    const two = [
      { kind: 'api_calls' as const, quantity: '1' },
      { kind: 'api_calls' as const, quantity: '1' },
    ];
    expect(rate(two, t)).toEqual({
      lines: [{ kind: 'api_calls', quantity: '2', amount: '0.00' }],
      total: '0.00',
      currency: 'EUR',
    });
    expect(rate(two, { ...t, rounding: 'half_up' }).total).toBe('0.01');
    expect(rate([...two, { kind: 'api_calls', quantity: '4' }], t).total).toBe('0.02');
  });

  it('prefers a price for the model, and refuses an item without a price with ERR_AU_PRICE_MISSING', () => {
    const t: PriceTableClaims = {
      ...table,
      prices: [
        { kind: 'gen_ai.usage.input_tokens', per: '1000', price: '1' },
        { kind: 'gen_ai.usage.input_tokens', model: 'cheap', per: '1000', price: '0.10' },
      ],
    };
    const r = rate(
      [
        { kind: 'gen_ai.usage.input_tokens', quantity: '1000', model: 'cheap' },
        { kind: 'gen_ai.usage.input_tokens', quantity: '1000', model: 'other' },
      ],
      t,
    );
    expect(r.lines.map((l) => [l.model, l.amount])).toEqual([
      ['cheap', '0.10'],
      ['other', '1.00'],
    ]);
    expect(() => rate([{ kind: 'cpu_seconds', quantity: '1' }], t)).toThrow(
      expect.objectContaining({ code: 'ERR_AU_PRICE_MISSING' }),
    );
    expect(() =>
      rate(
        [
          { kind: 'gen_ai.usage.input_tokens', quantity: '10', model: 'cheap' },
          { kind: 'gen_ai.usage.cache_read.input_tokens', quantity: '20', model: 'cheap' },
        ],
        { ...t, prices: [...t.prices, { kind: 'gen_ai.usage.cache_read.input_tokens', per: '1', price: '0' }] },
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
  });

  it('is independent of record order, exact, and additive before rounding', () => {
    fc.assert(
      fc.property(tokenItems, tokenItems, fc.integer({ min: 0, max: 2 ** 31 }), (a, b, seed) => {
        const items = withModel([...a, ...b]);
        // i ↦ (7919 i + seed) mod n permutes the items: 7919 is a prime above any length drawn here.
        const shuffled = items.map((_, i) => items[(i * 7919 + seed) % items.length]!);
        const r = rate(items, table);
        expect(rate(shuffled, table)).toEqual(r);
        // Each line's quantity is the exact sum over both halves (no rounding of quantities).
        const whole = rate(items, table);
        const left = rate(withModel(a), table);
        const right = rate(withModel(b), table);
        for (const line of whole.lines) {
          const q = (x: typeof left) =>
            x.lines.find((l) => l.kind === line.kind && l.model === line.model)?.quantity ?? '0';
          expect(compareDecimal(addDecimal(d(q(left)), d(q(right))), d(line.quantity))).toBe(0);
        }
        // Amounts: the whole is within half a cent per line of the sum of the halves (one rounding per line).
        const diff = addDecimal(d(whole.total), {
          units: -sumDecimals([d(left.total), d(right.total)]).units,
          scale: 2,
        });
        expect(diff.units <= BigInt(whole.lines.length) && diff.units >= -BigInt(whole.lines.length)).toBe(true);
        // The total is the exact sum of the line amounts.
        expect(compareDecimal(sumDecimals(whole.lines.map((l) => d(l.amount))), d(whole.total))).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('rates exactly with scale 6 and the exact product, checked against bigint arithmetic', () => {
    const t: PriceTableClaims = {
      ...table,
      scale: 6,
      prices: [{ kind: 'gen_ai.usage.output_tokens', model: 'm', per: '1000000', price: '15' }],
    };
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 25n }), (n) => {
        const r = rate([{ kind: 'gen_ai.usage.output_tokens', model: 'm', quantity: String(n) }], t);
        // n × 15 / 10^6 at 6 digits is n × 15 micro-units exactly: no rounding happens.
        expect(r.total).toBe(formatDecimal({ units: n * 15n, scale: 6 }, 6));
      }),
      { numRuns: 200 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkNetting,
  type NettingClaims,
  netPositions,
  parseDecimal,
  planTransfers,
  type SettlementClaims,
  signNetting,
  verifyNetting,
} from '../../src/index.js';
import { ACCOUNTING_KEYS, sampleNettingClaims, sampleSettlementClaims } from '../../src/testing.js';
import { clock, keys } from './fixtures.js';

const receipt = (payer: string, payee: string, total: string): SettlementClaims => ({
  ...sampleSettlementClaims,
  payer,
  payee,
  total,
  lines: [{ kind: 'api_calls', quantity: '1', amount: total }],
});

/** Applies transfers to positions exactly (in cents) and returns what is left. */
function leftOver(positions: Record<string, string>, transfers: { from: string; to: string; amount: string }[]) {
  const cents = (s: string) => {
    const d = parseDecimal(s);
    return d.units * 10n ** BigInt(6 - d.scale);
  };
  const left = new Map(Object.entries(positions).map(([k, v]) => [k, cents(v)]));
  for (const t of transfers) {
    left.set(t.from, left.get(t.from)! + cents(t.amount));
    left.set(t.to, left.get(t.to)! - cents(t.amount));
  }
  return [...left.values()];
}

/** Positions of `n` domains summing to zero, in cents, some of them zero-sum in groups. */
const positionsArb = (max: number, min = 2) =>
  fc.array(fc.integer({ min: -100_000, max: 100_000 }), { minLength: min - 1, maxLength: max - 1 }).map((values) => {
    const all = [...values, -values.reduce((a, b) => a + b, 0)];
    return Object.fromEntries(all.map((v, i) => [`d${String(i).padStart(3, '0')}.example`, (v / 100).toFixed(2)]));
  });

describe('multilateral netting (spec §8.6)', () => {
  it('nets receipts into positions and settles three domains in two transfers', () => {
    const positions = netPositions(
      [
        receipt('clinic.example', 'models.provider.example', '30.00'),
        receipt('lab.example', 'models.provider.example', '20.00'),
      ],
      'EUR',
    );
    expect(positions).toEqual({ 'clinic.example': '-30', 'lab.example': '-20', 'models.provider.example': '50' });
    const plan = planTransfers(positions);
    expect(plan).toEqual({
      method: 'exact',
      transfers: [
        { from: 'clinic.example', to: 'models.provider.example', amount: '30' },
        { from: 'lab.example', to: 'models.provider.example', amount: '20' },
      ],
    });
    expect(() => netPositions([receipt('a', 'b', '1')], 'USD')).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_INVALID' }),
    );
  });

  it('finds zero-sum groups: six domains in two groups take four transfers, not five', () => {
    const positions = { a: '-10', b: '-5', c: '15', d: '-7', e: '3', f: '4' };
    const plan = planTransfers(positions);
    expect(plan.transfers).toHaveLength(4);
    expect(leftOver(positions, plan.transfers).every((v) => v === 0n)).toBe(true);
    // The greedy method alone would need five here.
    const claims: NettingClaims = { ...sampleNettingClaims, positions, transfers: plan.transfers, method: 'exact' };
    expect(() => checkNetting(claims)).not.toThrow();
  });

  it('settles every position exactly with at most N − 1 transfers, the same whatever the key order', () => {
    fc.assert(
      fc.property(positionsArb(16), (positions) => {
        const plan = planTransfers(positions);
        expect(plan.method).toBe('exact');
        expect(leftOver(positions, plan.transfers).every((v) => v === 0n)).toBe(true);
        expect(plan.transfers.length).toBeLessThanOrEqual(Object.keys(positions).length - 1);
        expect(plan.transfers.every((t) => parseDecimal(t.amount).units > 0n)).toBe(true);
        // Deterministic: the same positions in another key order give the same transfers.
        const reversed = Object.fromEntries(Object.entries(positions).reverse());
        expect(planTransfers(reversed)).toEqual(plan);
      }),
      { numRuns: 150 },
    );
  });

  it('is never beaten by splitting the parties into two zero-sum halves (a brute-force lower bound)', () => {
    fc.assert(
      fc.property(positionsArb(7), positionsArb(7), (a, b) => {
        const left = Object.fromEntries(Object.entries(a).map(([k, v]) => [`a-${k}`, v]));
        const right = Object.fromEntries(Object.entries(b).map(([k, v]) => [`b-${k}`, v]));
        const joint = planTransfers({ ...left, ...right }).transfers.length;
        expect(joint).toBeLessThanOrEqual(planTransfers(left).transfers.length + planTransfers(right).transfers.length);
      }),
      { numRuns: 100 },
    );
  });

  it('uses the greedy method beyond 16 parties, still within N − 1', () => {
    fc.assert(
      fc.property(positionsArb(60, 17), (positions) => {
        const plan = planTransfers(positions);
        expect(plan.method).toBe('greedy');
        expect(leftOver(positions, plan.transfers).every((v) => v === 0n)).toBe(true);
        expect(plan.transfers.length).toBeLessThanOrEqual(Object.keys(positions).length - 1);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses a netting statement whose transfers do not settle, name strangers, or are more than needed', () => {
    expect(() => checkNetting(sampleNettingClaims)).not.toThrow();
    const bad: NettingClaims[] = [
      { ...sampleNettingClaims, transfers: sampleNettingClaims.transfers.slice(1) },
      {
        ...sampleNettingClaims,
        transfers: [
          ...sampleNettingClaims.transfers.slice(1),
          { from: 'clinic.example', to: 'x.example', amount: '30' },
        ],
      },
      {
        ...sampleNettingClaims,
        transfers: [
          { from: 'clinic.example', to: 'lab.example', amount: '30' },
          { from: 'lab.example', to: 'models.provider.example', amount: '50' },
          { from: 'clinic.example', to: 'lab.example', amount: '0.01' },
          { from: 'lab.example', to: 'clinic.example', amount: '0.01' },
        ],
      },
    ];
    for (const claims of bad)
      expect(() => checkNetting(claims)).toThrow(expect.objectContaining({ code: 'ERR_AU_NETTING_INVALID' }));
    expect(() =>
      checkNetting(sampleNettingClaims, [receipt('clinic.example', 'models.provider.example', '31.00')]),
    ).toThrow(expect.objectContaining({ code: 'ERR_AU_NETTING_INVALID' }));
  });

  it('is signed by every party, or by the clearing party alone', async () => {
    const { provider, consumer, third } = ACCOUNTING_KEYS;
    const all = await verifyNetting(signNetting(sampleNettingClaims, [consumer, provider, third]), { keys, clock });
    expect(all.ok && all.signed).toEqual([true, true, true]);
    const two = await verifyNetting(signNetting(sampleNettingClaims, [consumer, provider]), { keys, clock });
    expect(!two.ok && two.error.code).toBe('ERR_COSE_NO_SIGNATURES');
    const clearing = await verifyNetting(signNetting(sampleNettingClaims, [provider]), {
      keys,
      clock,
      clearing: 'models.provider.example',
    });
    expect(clearing.ok).toBe(true);
  });
});

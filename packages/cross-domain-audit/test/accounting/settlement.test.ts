import { toBase64Url } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import {
  buildSettlementReceipt,
  buildStatement,
  type ConsumptionClaims,
  checkDispute,
  checkSettlement,
  checkStatement,
  consumptionDigest,
  countersignConsumption,
  type DisputeClaims,
  reconcile,
  recordInclusion,
  recordsRoot,
  settle,
  signConsumption,
  signSettlement,
  verifySettlement,
} from '../../src/index.js';
import {
  ACCOUNTING_KEYS,
  SAMPLE_CONSUMER,
  SAMPLE_PERIOD,
  SAMPLE_PROVIDER,
  samplePriceTableClaims as table,
} from '../../src/testing.js';
import { clock, keys, NOW } from './fixtures.js';
import { recordClaims } from './records.js';

const { provider, consumer } = ACCOUNTING_KEYS;
/** Five records of the month; the clinic countersigned the first four, the provider also bills the fifth. */
const records: ConsumptionClaims[] = [0, 1, 2, 3, 4].map((i) => recordClaims(i, 100_000 * (i + 1)));
const digests = records.map(consumptionDigest);
const stmt = buildStatement({
  iss: SAMPLE_PROVIDER,
  aud: SAMPLE_CONSUMER,
  jti: 'st-test',
  wid: 'wf-billing',
  iat: NOW,
  period: SAMPLE_PERIOD,
  table,
  records,
});
const cose = (r: ConsumptionClaims, countersigned = true) => {
  const metered = signConsumption(r, provider);
  return toBase64Url(countersigned ? countersignConsumption(metered, consumer) : metered);
};

describe('statement (spec §8.5 step 1)', () => {
  it('commits to the records by the RFC 9162 root over their sorted digests, and rates them', () => {
    expect(stmt.records_root).toBe(recordsRoot([...digests].reverse()));
    expect(stmt.count).toBe(5);
    // 1.5 M input tokens at 0.40 per million.
    expect(stmt.lines).toEqual([
      { kind: 'gen_ai.usage.input_tokens', model: 'gpt-4.1-mini', quantity: '1500000', amount: '0.60' },
    ]);
    expect(() => checkStatement(stmt, records, table)).not.toThrow();
  });

  it('is refused when the root, the count, the table or the totals do not follow', () => {
    expect(() => checkStatement(stmt, records.slice(1), table)).toThrow(
      expect.objectContaining({ code: 'ERR_AU_STATEMENT_ROOT_MISMATCH' }),
    );
    expect(() => checkStatement({ ...stmt, count: 6 }, records, table)).toThrow(
      expect.objectContaining({ code: 'ERR_AU_STATEMENT_ROOT_MISMATCH' }),
    );
    expect(() => checkStatement({ ...stmt, prices: 'prices-other' }, records, table)).toThrow(
      expect.objectContaining({ code: 'ERR_AU_STATEMENT_TOTALS_MISMATCH' }),
    );
    const inflated = { ...stmt, lines: [{ ...stmt.lines[0]!, amount: '0.61' }], total: '0.61' };
    expect(() => checkStatement(inflated, records, table)).toThrow(
      expect.objectContaining({ code: 'ERR_AU_STATEMENT_TOTALS_MISMATCH' }),
    );
  });
});

describe('reconciliation, disputes and the settlement receipt (spec §8.5 steps 2–4)', () => {
  const own = [...records.slice(0, 4), recordClaims(9, 50_000)];
  const rec = reconcile({
    iss: SAMPLE_CONSUMER,
    jti: 'rc-test',
    wid: 'wf-billing',
    iat: NOW,
    statement: stmt,
    statementRecords: digests,
    own,
    disputed: [{ record: digests[3]!, reason: 'quantity' }],
    table,
  });
  const base = { aud: SAMPLE_PROVIDER, iat: NOW, wid: 'wf-billing', statement: stmt.jti };
  const ctx = { statement: stmt, keys, clock };

  /** The clinic excludes the fifth record: it never countersigned it. */
  const exclude: DisputeClaims = {
    ...base,
    iss: SAMPLE_CONSUMER,
    jti: 'dp-1',
    pred: [stmt.jti],
    record: digests[4]!,
    reason: 'not_countersigned',
    claim: 'exclude',
    evidence: { inclusion: recordInclusion(digests, digests[4]!) },
  };
  /** The clinic asks to include its record 9, which the statement left out. */
  const include: DisputeClaims = {
    ...base,
    iss: SAMPLE_CONSUMER,
    jti: 'dp-2',
    pred: [stmt.jti],
    record: consumptionDigest(own[4]!),
    reason: 'missing',
    claim: 'include',
    evidence: { record: cose(own[4]!) },
  };
  /** The clinic holds the fourth record's quantity lower. */
  const adjust: DisputeClaims = {
    ...base,
    iss: SAMPLE_CONSUMER,
    jti: 'dp-3',
    pred: [stmt.jti],
    record: digests[3]!,
    reason: 'quantity',
    claim: 'adjust',
    adjusted: [{ kind: 'gen_ai.usage.input_tokens', quantity: '300000', model: 'gpt-4.1-mini' }],
    evidence: { inclusion: recordInclusion(digests, digests[3]!) },
  };
  const answer = (
    to: DisputeClaims,
    decision: 'accept' | 'reject',
    evidence: DisputeClaims['evidence'] = {},
  ): DisputeClaims => ({
    ...to,
    aud: SAMPLE_CONSUMER,
    iss: SAMPLE_PROVIDER,
    jti: `${to.jti}-answer`,
    pred: [stmt.jti, to.jti],
    claim: to.claim,
    answer: { to: to.jti, decision },
    evidence,
  });

  it('reconciles: matched, missing, unknown and disputed, and the agreed total over the matched records', () => {
    expect(rec.matched).toBe(3);
    expect(rec.missing).toEqual([consumptionDigest(own[4]!)]);
    expect(rec.unknown).toEqual([digests[4]]);
    expect(rec.disputed).toEqual([{ record: digests[3], reason: 'quantity' }]);
    expect(rec.agreed_total).toBe('0.24'); // (1 + 2 + 3) × 100,000 tokens at 0.40 per million
  });

  it('accepts disputes whose evidence verifies', async () => {
    for (const d of [exclude, include, adjust]) await expect(checkDispute(d, ctx)).resolves.toBeUndefined();
  });

  it('refuses a dispute whose evidence does not verify or that names no record of the statement', async () => {
    const bad = [
      { ...exclude, statement: 'st-other' },
      { ...exclude, evidence: { inclusion: { ...exclude.evidence.inclusion!, index: 3 } } },
      { ...exclude, evidence: { inclusion: { ...exclude.evidence.inclusion!, size: 4 } } },
      { ...exclude, evidence: {} },
      { ...exclude, record: consumptionDigest(own[4]!), evidence: { inclusion: { ...exclude.evidence.inclusion! } } },
      { ...include, evidence: { record: cose(own[4]!, false) } },
      { ...include, evidence: { record: cose(records[0]!) } },
      { ...include, evidence: { record: toBase64Url(new Uint8Array([1, 2, 3])) } },
    ];
    for (const d of bad) await expect(checkDispute(d, ctx)).rejects.toMatchObject({ code: 'ERR_AU_DISPUTE_INVALID' });
    expect(() => recordInclusion(digests, consumptionDigest(own[4]!))).toThrow(
      expect.objectContaining({ code: 'ERR_AU_DISPUTE_INVALID' }),
    );
  });

  it('defeats an "unknown" record with its countersigned copy, and refuses a rejection without it', async () => {
    const rejected = answer(exclude, 'reject', { record: cose(records[4]!) });
    await expect(checkDispute(rejected, { ...ctx, answers: exclude })).resolves.toBeUndefined();
    await expect(checkDispute(answer(exclude, 'reject'), { ...ctx, answers: exclude })).rejects.toMatchObject({
      code: 'ERR_AU_DISPUTE_INVALID',
    });
    await expect(
      checkDispute(answer(exclude, 'reject', { record: cose(records[4]!, false) }), { ...ctx, answers: exclude }),
    ).rejects.toMatchObject({ code: 'ERR_AU_DISPUTE_INVALID' });
    await expect(
      checkDispute(answer(exclude, 'reject', { record: cose(records[4]!) }), { ...ctx, answers: include }),
    ).rejects.toMatchObject({ code: 'ERR_AU_DISPUTE_INVALID' });
  });

  it('settles with the accepted disputes applied and re-rated, signed by payer and payee', async () => {
    const disputes = [
      exclude,
      answer(exclude, 'reject', { record: cose(records[4]!) }),
      include,
      answer(include, 'accept'),
      adjust,
      answer(adjust, 'accept'),
    ];
    const basis = { statement: stmt, reconciliation: rec, disputes, records, included: [own[4]!], table };
    // Kept: records 0–4 (the exclusion was rejected), record 3 adjusted to 300,000, record 9 included (50,000):
    // 100k + 200k + 300k + 300k + 500k + 50k = 1.45 M tokens → 0.58.
    expect(settle(basis).lines).toEqual([
      { kind: 'gen_ai.usage.input_tokens', model: 'gpt-4.1-mini', quantity: '1450000', amount: '0.58' },
    ]);
    const receipt = buildSettlementReceipt({
      ...basis,
      iss: SAMPLE_PROVIDER,
      jti: 'sr-test',
      wid: 'wf-billing',
      iat: NOW,
    });
    expect(receipt).toMatchObject({ payer: SAMPLE_CONSUMER, payee: SAMPLE_PROVIDER, total: '0.58', currency: 'EUR' });
    expect(() => checkSettlement(receipt, basis)).not.toThrow();
    const signed = signSettlement(receipt, consumer, provider);
    const v = await verifySettlement(signed, { keys, clock });
    expect(v.ok && v.signed).toEqual([true, true]);
    const { signMultiSigned } = await import('@safety-net/core');
    const { settlementReceipt } = await import('../../src/index.js');
    const payeeOnly = await verifySettlement(signMultiSigned(settlementReceipt, receipt, [{ key: provider }]), {
      keys,
      clock,
    });
    expect(!payeeOnly.ok && payeeOnly.error.code).toBe('ERR_COSE_NO_SIGNATURES');
  });

  it('refuses a receipt that does not follow, and settling before every dispute is answered', () => {
    const disputes = [exclude, answer(exclude, 'accept')];
    const basis = { statement: stmt, reconciliation: rec, disputes, records, table };
    const receipt = buildSettlementReceipt({
      ...basis,
      iss: SAMPLE_PROVIDER,
      jti: 'sr-test',
      wid: 'wf-billing',
      iat: NOW,
    });
    expect(receipt.total).toBe('0.40');
    const wrong = [
      { ...receipt, lines: [{ ...receipt.lines[0]!, amount: '0.60' }], total: '0.60' },
      { ...receipt, disputes: [exclude.jti] },
      { ...receipt, statement: 'st-other' },
      { ...receipt, payer: SAMPLE_PROVIDER, payee: SAMPLE_CONSUMER },
    ];
    for (const r of wrong)
      expect(() => checkSettlement(r, basis)).toThrow(expect.objectContaining({ code: 'ERR_AU_SETTLEMENT_INVALID' }));
    expect(() => settle({ ...basis, disputes: [exclude] })).toThrow(
      expect.objectContaining({ code: 'ERR_AU_SETTLEMENT_INVALID' }),
    );
    expect(() => settle({ ...basis, disputes: [include, answer(include, 'accept')] })).toThrow(
      expect.objectContaining({ code: 'ERR_AU_SETTLEMENT_INVALID' }),
    );
    expect(() => settle({ ...basis, records: records.slice(1) })).toThrow(
      expect.objectContaining({ code: 'ERR_AU_SETTLEMENT_INVALID' }),
    );
  });
});

import { dagNodeOf, decodeCbor, decodeSign } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { describeMessageRoundTrips, type MessageCase } from '../../../../test-support/message-suites.js';
import {
  AUDIT_MESSAGE_TYPES,
  consumptionRecord,
  dispute,
  nettingStatement,
  priceTable,
  reconciliation,
  settlementReceipt,
  signConsumption,
  statement,
} from '../../src/index.js';
import {
  ACCOUNTING_KEYS,
  samplePriceTableClaims as prices,
  sampleConsumptionClaims as record,
  SAMPLE_NOW,
  sampleDisputeClaims,
  sampleNettingClaims,
  sampleReconciliationClaims,
  sampleSettlementClaims,
  sampleStatementClaims,
} from '../../src/testing.js';
import { cases, clock, strangerKey, strangerP256Key } from './fixtures.js';

describeMessageRoundTrips(cases, clock, (key) => (key.curve === 'P-256' ? strangerP256Key : strangerKey));

const refused = (type: MessageCase['type'], claims: object) =>
  expect(() => type.sign(claims, ACCOUNTING_KEYS.provider)).toThrow(
    expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }),
  );

describe('accounting wire forms', () => {
  it('registers the seven types of spec §2 with their typ and exec_act', () => {
    const mine = AUDIT_MESSAGE_TYPES.filter((t) =>
      ['consumption', 'prices', 'statement', 'reconciliation', 'dispute', 'settlement', 'netting'].some(
        (n) => t.name === `au-${n}`,
      ),
    );
    expect(mine.map((t) => [t.name, t.typ, t.jws?.typ, t.dag?.execAct])).toEqual(
      ['consumption', 'prices', 'statement', 'reconciliation', 'dispute', 'settlement', 'netting'].map((n) => [
        `au-${n}`,
        `application/au-${n}+cwt`,
        `au-${n}+jwt`,
        `au.${n}`,
      ]),
    );
  });

  it('carries registered claims on CWT labels, digests as byte strings, and the typ in the COSE_Sign body', () => {
    const bytes = signConsumption(record, ACCOUNTING_KEYS.provider);
    const decoded = decodeSign(bytes);
    expect(decoded.protectedHeader.get(16)).toBe('application/au-consumption+cwt');
    expect(decoded.signatures).toHaveLength(1);
    const claims = decodeCbor(decoded.payload!) as Map<unknown, unknown>;
    expect(claims.get(1)).toBe(record.iss);
    expect(claims.get(6)).toBe(SAMPLE_NOW);
    expect(new TextDecoder().decode(claims.get(7) as Uint8Array)).toBe(record.jti);
    const rec = statement.toCbor(sampleStatementClaims);
    expect(rec.get('records_root')).toBeInstanceOf(Uint8Array);
    expect((rec.get('records_root') as Uint8Array).length).toBe(32);
    const rc = reconciliation.toCbor({ ...sampleReconciliationClaims, missing: [sampleDisputeClaims.record] });
    expect((rc.get('missing') as unknown[])[0]).toBeInstanceOf(Uint8Array);
    const dp = dispute.toCbor(sampleDisputeClaims).get('evidence') as Map<string, Map<string, unknown>>;
    expect(dp.get('inclusion')!.get('path')).toEqual([]);
    expect(dagNodeOf(consumptionRecord, record)).toMatchObject({ exec_act: 'au.consumption', pred: record.pred });
  });

  it('refuses consumption records that break the rules of spec §8.1', () => {
    const tokens = record.items[0]!;
    refused(consumptionRecord, { ...record, period: { start: SAMPLE_NOW - 10, end: SAMPLE_NOW + 10 } });
    refused(consumptionRecord, { ...record, period: { start: SAMPLE_NOW, end: SAMPLE_NOW - 10 } });
    refused(consumptionRecord, { ...record, items: [tokens, { ...tokens }] });
    refused(consumptionRecord, { ...record, items: [{ ...tokens, quantity: '1.5' }] });
    refused(consumptionRecord, { ...record, items: [{ ...tokens, quantity: '-1' }] });
    refused(consumptionRecord, { ...record, items: [{ ...tokens, quantity: 1 }] });
    refused(consumptionRecord, { ...record, items: [{ ...tokens, kind: 'gen_ai.usage.cached_tokens' }] });
    refused(consumptionRecord, { ...record, consumer: record.iss });
    refused(consumptionRecord, { ...record, pred: [] });
    refused(consumptionRecord, { ...record, items: [] });
    // A fractional CPU time and the same kind for two models are fine.
    expect(() =>
      consumptionRecord.sign(
        { ...record, items: [{ kind: 'cpu_seconds', quantity: '0.25' }, tokens, { ...tokens, model: 'other' }] },
        ACCOUNTING_KEYS.provider,
      ),
    ).not.toThrow();
  });

  it('refuses price tables, statements and receipts that break their rules', () => {
    refused(priceTable, { ...prices, exp: prices.iat });
    refused(priceTable, { ...prices, scale: 7 });
    refused(priceTable, { ...prices, prices: [{ ...prices.prices[0]!, per: '0' }] });
    refused(priceTable, { ...prices, prices: [prices.prices[0]!, prices.prices[0]!] });
    refused(priceTable, { ...prices, rounding: 'ceiling' });
    refused(priceTable, { ...prices, prices: [{ ...prices.prices[0]!, price: '0.1e3' }] });
    refused(statement, { ...sampleStatementClaims, total: '999.00' });
    refused(statement, { ...sampleStatementClaims, respond_by: sampleStatementClaims.iat });
    refused(statement, { ...sampleStatementClaims, aud: undefined });
    refused(statement, {
      ...sampleStatementClaims,
      lines: [...sampleStatementClaims.lines, sampleStatementClaims.lines[0]!],
    });
    refused(settlementReceipt, { ...sampleSettlementClaims, total: '0.01' });
    refused(settlementReceipt, { ...sampleSettlementClaims, payee: sampleSettlementClaims.payer });
  });

  it('refuses reconciliations, disputes and nettings that break their rules', () => {
    const digest = sampleDisputeClaims.record;
    refused(reconciliation, { ...sampleReconciliationClaims, pred: ['other'] });
    refused(reconciliation, { ...sampleReconciliationClaims, missing: [digest], unknown: [digest] });
    refused(reconciliation, { ...sampleReconciliationClaims, missing: ['not-a-digest'] });
    refused(dispute, { ...sampleDisputeClaims, adjusted: undefined });
    refused(dispute, { ...sampleDisputeClaims, claim: 'exclude' });
    refused(dispute, { ...sampleDisputeClaims, answer: { to: 'dp-unknown', decision: 'accept' } });
    refused(nettingStatement, { ...sampleNettingClaims, positions: { a: '1', b: '-0.99' } });
    refused(nettingStatement, { ...sampleNettingClaims, positions: { a: '0' } });
    refused(nettingStatement, { ...sampleNettingClaims, transfers: [{ from: 'a', to: 'a', amount: '1' }] });
    refused(nettingStatement, { ...sampleNettingClaims, transfers: [{ from: 'a', to: 'b', amount: '0' }] });
  });
});

/**
 * The `au-netting`, `au-rating` and `au-settlement` vectors of `cross-domain-audit.md` §13 (rows 41 to 45): net
 * positions from settlement receipts and the fewest transfers that settle them; items rated with a price table;
 * statements checked and periods settled. The expected values are worked out by hand below, not by the package.
 */
import { toBase64Url } from '@safety-net/core';
import {
  buildStatement,
  consumptionDigest,
  countersignConsumption,
  reconcile,
  recordInclusion,
  signConsumption,
} from '@safety-net/cross-domain-audit';
import {
  ACCOUNTING_KEYS,
  accountingKey,
  SAMPLE_CONSUMER,
  SAMPLE_PERIOD,
  sampleConsumptionClaims,
  sampleDisputeClaims,
  samplePriceTableClaims,
  sampleReconciliationClaims,
  sampleStatementClaims,
} from '@safety-net/cross-domain-audit/testing';
import type { Vector } from '../../format.js';
import { keysOf, nameOf, vector } from '../common.js';

const receipt = (payer: string, payee: string, total: string, currency = 'EUR') => ({ payer, payee, total, currency });

function auVector(kind: string, id: string, description: string, input: object, expected: object): Vector {
  return { ...vector({ id, description, kind, input, options: {}, expected }), package: 'cross-domain-audit' };
}
const auNetting = (id: string, description: string, input: object, expected: object) =>
  auVector('au-netting', id, description, input, expected);

/** Row 41: exact decimals, each line rounded once, half-cent ties to even. */
function ratingVectors(): Vector[] {
  const model = 'gpt-x';
  const table = {
    ...samplePriceTableClaims,
    prices: [
      { kind: 'gen_ai.usage.input_tokens', model, per: '1000000', price: '0.40' },
      { kind: 'api_calls', per: '1000', price: '0.50' },
      { kind: 'cpu_seconds', per: '3600', price: '0.12' },
    ],
  };
  const items = [
    { kind: 'gen_ai.usage.input_tokens', model, quantity: '1000000' },
    { kind: 'api_calls', quantity: '1050' },
    { kind: 'gen_ai.usage.input_tokens', model, quantity: '234567' },
    { kind: 'cpu_seconds', quantity: '2250' },
  ];
  return [
    auVector(
      'au-rating',
      'rating-half-even',
      'Items rated with a EUR table of scale 2, half even: 0.525 → 0.52 and 0.075 → 0.08 (cross-domain-audit.md §8.4).',
      { items, table },
      {
        result: 'valid',
        // cpu 2250 × 0.12 / 3600 = 0.075; calls 1050 × 0.50 / 1000 = 0.525; tokens 1,234,567 × 0.40 / 10⁶ = 0.4938268.
        lines: [
          { kind: 'cpu_seconds', quantity: '2250', amount: '0.08' },
          { kind: 'api_calls', quantity: '1050', amount: '0.52' },
          { kind: 'gen_ai.usage.input_tokens', model, quantity: '1234567', amount: '0.49' },
        ],
        total: '1.09',
        currency: 'EUR',
      },
    ),
    auVector(
      'au-rating',
      'rating-price-missing',
      'An item kind the table has no price for is refused (cross-domain-audit.md §8.4).',
      { items: [...items, { kind: 'net_bytes_out', quantity: '10' }], table },
      { result: 'invalid', error: 'ERR_AU_PRICE_MISSING' },
    ),
  ];
}

/** Row 42 and the settling of an adjustment, accepted and rejected. */
function settlementVectors(): Vector[] {
  const basis = { statement: sampleStatementClaims, records: [sampleConsumptionClaims], table: samplePriceTableClaims };
  // The record the consumer holds differs from the one the statement was built over: its digest, hence the root.
  const altered = { ...sampleConsumptionClaims, items: sampleConsumptionClaims.items.slice(1) };
  const adjust = { ...sampleDisputeClaims, adjusted: [{ kind: 'cpu_seconds', quantity: '18000' }] };
  const answer = (decision: 'accept' | 'reject') => ({
    ...sampleDisputeClaims,
    iss: sampleDisputeClaims.aud,
    aud: sampleDisputeClaims.iss,
    jti: `${sampleDisputeClaims.jti}-${decision}`,
    pred: [adjust.jti],
    adjusted: adjust.adjusted,
    answer: { to: adjust.jti, decision },
  });
  const settling = (decision: 'accept' | 'reject') => ({
    ...basis,
    reconciliation: sampleReconciliationClaims,
    disputes: [adjust, answer(decision)],
  });
  return [
    auVector(
      'au-settlement',
      'statement-root-mismatch',
      'A statement whose records root is not over the records the consumer holds (cross-domain-audit.md §8.5).',
      { ...basis, records: [altered] },
      { result: 'invalid', error: 'ERR_AU_STATEMENT_ROOT_MISMATCH' },
    ),
    auVector(
      'au-settlement',
      'settlement-adjust-accepted',
      'An accepted adjustment replaces the record by 18,000 CPU seconds: one line of 0.60 (cross-domain-audit.md §8.5).',
      settling('accept'),
      // 18000 × 0.12 / 3600 = 0.60, the record's other items gone.
      { result: 'valid', lines: [{ kind: 'cpu_seconds', quantity: '18000', amount: '0.60' }], total: '0.60' },
    ),
    auVector(
      'au-settlement',
      'settlement-adjust-rejected',
      'A rejected adjustment changes nothing: the lines and total of the statement (cross-domain-audit.md §8.5).',
      settling('reject'),
      { result: 'valid', lines: sampleStatementClaims.lines, total: sampleStatementClaims.total },
    ),
  ];
}

/**
 * Row 43: a statement of two records, the second of which the consumer says it never countersigned (`unknown`). It
 * disputes it (`exclude`, `not_countersigned`, with the inclusion proof); the provider rejects the dispute with the
 * record carrying both signatures, which defeats it; the record stays. Without that copy the rejection proves
 * nothing and is refused.
 */
function disputeByProofVectors(): Vector[] {
  const { provider } = ACCOUNTING_KEYS;
  // An Ed25519 key of the consumer: its signature is deterministic, so the record's bytes are too (ECDSA's are not).
  const consumer = accountingKey(SAMPLE_CONSUMER);
  const first = sampleConsumptionClaims;
  const second = {
    ...first,
    jti: 'cr-2026-03-0002',
    items: [
      { kind: 'api_calls' as const, quantity: '2997', api: 'chat.completions' },
      { kind: 'cpu_seconds' as const, quantity: '3587.5' },
    ],
  };
  const digests = [first, second].map(consumptionDigest);
  const statement = buildStatement({
    ...sampleStatementClaims,
    table: samplePriceTableClaims,
    period: SAMPLE_PERIOD,
    records: [first, second],
  });
  const reconciliation = reconcile({
    ...sampleReconciliationClaims,
    statement,
    statementRecords: digests,
    own: [first],
    table: samplePriceTableClaims,
  });
  const challenge = {
    ...sampleDisputeClaims,
    jti: 'dp-2026-03-0002',
    record: digests[1]!,
    reason: 'not_countersigned',
    claim: 'exclude',
    adjusted: undefined,
    evidence: { inclusion: recordInclusion(digests, digests[1]!) },
  };
  const copy = countersignConsumption(signConsumption(second, provider), consumer);
  const rejection = (evidence: object) => ({
    ...challenge,
    iss: challenge.aud,
    aud: challenge.iss,
    jti: `${challenge.jti}-reject`,
    pred: [challenge.jti],
    evidence,
    answer: { to: challenge.jti, decision: 'reject' },
  });
  const settling = (evidence: object) => ({
    statement,
    records: [first, second],
    table: samplePriceTableClaims,
    reconciliation,
    disputes: [challenge, rejection(evidence)],
  });
  const keyed = (id: string, description: string, input: object, expected: object): Vector => ({
    ...auVector('au-settlement', id, description, input, expected),
    keys: keysOf([provider, consumer], 'public') as unknown as Vector['keys'],
    options: {
      key_set: [nameOf(provider), nameOf(consumer)],
      key_issuers: { [nameOf(provider)]: [nameOf(provider)], [nameOf(consumer)]: [nameOf(consumer)] },
    },
  });
  return [
    keyed(
      'dispute-resolved-by-proof',
      'An unknown record disputed as never countersigned, the dispute rejected with its countersigned copy: the record stays in the final lines (cross-domain-audit.md §8.5).',
      settling({ record: toBase64Url(copy) }),
      {
        result: 'valid',
        // Both records, EUR scale 2, half even: CPU 12.5 + 3,587.5 = 3,600 s × 0.12 / 3,600 = 0.12; calls 3 + 2,997
        // = 3,000 × 0.50 / 1,000 = 1.50; input tokens 120,000 − 20,000 cache reads (priced apart) × 0.40 / 10⁶ =
        // 0.04; output tokens 8,000 (reasoning unpriced, kept inside) × 1.60 / 10⁶ = 0.0128 → 0.01; cache reads
        // 20,000 × 0.10 / 10⁶ = 0.002 → 0.00. Excluded, the second record would leave 0.05.
        lines: [
          { kind: 'cpu_seconds', quantity: '3600', amount: '0.12' },
          { kind: 'api_calls', quantity: '3000', amount: '1.50' },
          { kind: 'gen_ai.usage.input_tokens', model: 'gpt-4.1-mini', quantity: '100000', amount: '0.04' },
          { kind: 'gen_ai.usage.output_tokens', model: 'gpt-4.1-mini', quantity: '8000', amount: '0.01' },
          { kind: 'gen_ai.usage.cache_read.input_tokens', model: 'gpt-4.1-mini', quantity: '20000', amount: '0.00' },
        ],
        total: '1.67',
      },
    ),
    keyed(
      'dispute-rejected-without-proof',
      'The same rejection without the countersigned record proves nothing and is refused (cross-domain-audit.md §8.5).',
      settling({}),
      { result: 'invalid', error: 'ERR_AU_DISPUTE_INVALID' },
    ),
  ];
}

export function crossDomainAuditSettlingVectors(): Vector[] {
  const [a, b, c] = ['https://a.example', 'https://b.example', 'https://c.example'];
  // a owes b 100.00, b owes c 30.00, c owes a 50.00: a −50, b +70, c −20 (exact, in shortest form); one group,
  // so two transfers, each debtor paying the one creditor.
  const three = [receipt(a, b, '100.00'), receipt(b, c, '30.00'), receipt(c, a, '50.00')];
  // Six parties whose positions fall into two zero-sum groups, {p, q} and {r, s, t, u}: 6 − 2 = 4 transfers, where
  // paying the largest debtor to the largest creditor alone would take five.
  const [p, q, r, s, t, u] = ['p', 'q', 'r', 's', 't', 'u'].map((n) => `https://${n}.example`) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const six = [receipt(p, q, '10'), receipt(r, t, '4'), receipt(r, u, '1'), receipt(s, u, '7')];
  return [
    ...ratingVectors(),
    ...settlementVectors(),
    ...disputeByProofVectors(),
    auNetting(
      'netting-three-domains',
      'Three domains settle their receipts with two transfers (cross-domain-audit.md §8.6).',
      { currency: 'EUR', receipts: three },
      {
        result: 'valid',
        positions: { [a]: '-50', [b]: '70', [c]: '-20' },
        transfers: [
          { from: a, to: b, amount: '50' },
          { from: c, to: b, amount: '20' },
        ],
        method: 'exact',
      },
    ),
    auNetting(
      'netting-zero-sum-groups',
      'Six domains in two zero-sum groups: the exact method finds four transfers, not five (cross-domain-audit.md §8.6).',
      { currency: 'EUR', receipts: six },
      {
        result: 'valid',
        positions: { [p]: '-10', [q]: '10', [r]: '-5', [s]: '-7', [t]: '4', [u]: '8' },
        transfers: [
          { from: p, to: q, amount: '10' },
          { from: s, to: u, amount: '7' },
          { from: r, to: t, amount: '4' },
          { from: r, to: u, amount: '1' },
        ],
        method: 'exact',
      },
    ),
    auNetting(
      'netting-other-currency',
      'A receipt in another currency than the netting is refused (cross-domain-audit.md §8.6).',
      { currency: 'EUR', receipts: [receipt(a, b, '1.00'), receipt(b, a, '2.00', 'USD')] },
      { result: 'invalid', error: 'ERR_INPUT_INVALID' },
    ),
  ];
}

/**
 * Sample claims of the accounting message types (spec §8), valid at `SAMPLE_NOW`, with the keys of their
 * parties derived from fixed seeds: a month of model usage metered by a provider for a clinic, its price table,
 * statement, reconciliation, a dispute, the settlement and a netting among three domains. Shared by the package's
 * tests and the conformance generator. Spread a sample to vary it; never change one in place.
 */
import { type AnyMessageType, generateKey, type PrivateKey, seededRandom, utf8 } from '@safety-net/core';
import { reconcile } from '../accounting/reconciliation.js';
import { consumptionDigest } from '../accounting/record.js';
import { buildSettlementReceipt } from '../accounting/settlement.js';
import { buildStatement, recordInclusion } from '../accounting/statement.js';
import { type ConsumptionClaims, consumptionRecord } from './consumption.js';
import { type DisputeClaims, dispute } from './dispute.js';
import { type NettingClaims, nettingStatement } from './netting.js';
import { type PriceTableClaims, priceTable } from './prices.js';
import { reconciliation } from './reconciliation.js';
import { settlementReceipt } from './settlement.js';
import { statement } from './statement.js';

/** `SAMPLE_NOW` (2026-03-01T00:00:00Z): `samples.ts` re-exports this file, so this file cannot import from it. */
const NOW = 1_772_323_200;
const DAY = 86_400;

/** The providing (metering) domain of the samples. */
export const SAMPLE_PROVIDER = 'models.provider.example';
/** The consuming domain of the samples. */
export const SAMPLE_CONSUMER = 'clinic.example';
/** The third domain of the netting sample. */
export const SAMPLE_THIRD = 'lab.example';

/** A fixed key of one accounting party, its kid the domain's name. */
export function accountingKey(domain: string, curve: 'Ed25519' | 'P-256' = 'Ed25519'): PrivateKey {
  return { ...generateKey(curve, seededRandom(`au-accounting/${domain}`)), kid: utf8(domain) };
}

/** The keys of the sample parties. */
export const ACCOUNTING_KEYS = {
  provider: accountingKey(SAMPLE_PROVIDER),
  consumer: accountingKey(SAMPLE_CONSUMER, 'P-256'),
  third: accountingKey(SAMPLE_THIRD),
} as const;

const MODEL = 'gpt-4.1-mini';

/** One hour of a triage agent's model calls, metered at the provider's gateway. */
export const sampleConsumptionClaims: ConsumptionClaims = {
  iss: SAMPLE_PROVIDER,
  iat: NOW,
  jti: 'cr-2026-03-0001',
  wid: 'wf-triage-42',
  pred: ['ect-triage-7f3a'],
  meter: 'model-gateway',
  consumer: SAMPLE_CONSUMER,
  agent: 'spiffe://clinic.example/agent/triage',
  task: 'ect-triage-7f3a',
  period: { start: NOW - 3600, end: NOW - 60 },
  items: [
    { kind: 'gen_ai.usage.input_tokens', quantity: '120000', model: MODEL, provider: 'openai' },
    { kind: 'gen_ai.usage.cache_read.input_tokens', quantity: '20000', model: MODEL, provider: 'openai' },
    { kind: 'gen_ai.usage.output_tokens', quantity: '8000', model: MODEL, provider: 'openai' },
    { kind: 'gen_ai.usage.reasoning.output_tokens', quantity: '3000', model: MODEL, provider: 'openai' },
    { kind: 'api_calls', quantity: '3', api: 'chat.completions' },
    { kind: 'cpu_seconds', quantity: '12.5' },
  ],
};

/** The provider's prices for the clinic in March 2026, in euro cents. */
export const samplePriceTableClaims: PriceTableClaims = {
  iss: SAMPLE_PROVIDER,
  iat: NOW - DAY,
  exp: NOW + 30 * DAY,
  jti: 'prices-2026-03',
  wid: 'wf-billing-2026-03',
  pred: [],
  consumer: SAMPLE_CONSUMER,
  currency: 'EUR',
  scale: 2,
  rounding: 'half_even',
  prices: [
    { kind: 'gen_ai.usage.input_tokens', model: MODEL, per: '1000000', price: '0.40' },
    { kind: 'gen_ai.usage.cache_read.input_tokens', model: MODEL, per: '1000000', price: '0.10' },
    { kind: 'gen_ai.usage.output_tokens', model: MODEL, per: '1000000', price: '1.60' },
    { kind: 'api_calls', per: '1000', price: '0.50' },
    { kind: 'cpu_seconds', per: '3600', price: '0.12' },
  ],
};

/** The period the samples settle: March 2026 up to the sample time. */
export const SAMPLE_PERIOD = { start: NOW - 3 * DAY, end: NOW };

/** The statement of the period: the one sample record, rated. */
export const sampleStatementClaims = buildStatement({
  iss: SAMPLE_PROVIDER,
  aud: SAMPLE_CONSUMER,
  jti: 'st-2026-03',
  wid: 'wf-billing-2026-03',
  pred: [samplePriceTableClaims.jti],
  iat: NOW,
  period: SAMPLE_PERIOD,
  table: samplePriceTableClaims,
  records: [sampleConsumptionClaims],
});

/** The clinic's reconciliation: it holds the same record. */
export const sampleReconciliationClaims = reconcile({
  iss: SAMPLE_CONSUMER,
  jti: 'rc-2026-03',
  wid: 'wf-billing-2026-03',
  iat: NOW,
  statement: sampleStatementClaims,
  statementRecords: [consumptionDigest(sampleConsumptionClaims)],
  own: [sampleConsumptionClaims],
  table: samplePriceTableClaims,
});

/** The clinic disputes the record's quantities, proving with an inclusion proof that the statement holds it. */
export const sampleDisputeClaims: DisputeClaims = {
  iss: SAMPLE_CONSUMER,
  aud: SAMPLE_PROVIDER,
  iat: NOW,
  jti: 'dp-2026-03-0001',
  wid: 'wf-billing-2026-03',
  pred: [sampleStatementClaims.jti],
  statement: sampleStatementClaims.jti,
  record: consumptionDigest(sampleConsumptionClaims),
  reason: 'quantity',
  claim: 'adjust',
  adjusted: [{ kind: 'cpu_seconds', quantity: '10' }],
  evidence: {
    inclusion: recordInclusion(
      [consumptionDigest(sampleConsumptionClaims)],
      consumptionDigest(sampleConsumptionClaims),
    ),
  },
};

/** The settlement with no dispute: the statement's lines as they are. */
export const sampleSettlementClaims = buildSettlementReceipt({
  iss: SAMPLE_PROVIDER,
  jti: 'sr-2026-03',
  wid: 'wf-billing-2026-03',
  iat: NOW,
  statement: sampleStatementClaims,
  reconciliation: sampleReconciliationClaims,
  disputes: [],
  records: [sampleConsumptionClaims],
  table: samplePriceTableClaims,
});

/** Three domains netted: the clinic owes the provider, the provider owes the lab, the lab owes the clinic. */
export const sampleNettingClaims: NettingClaims = {
  iss: SAMPLE_PROVIDER,
  iat: NOW,
  jti: 'nt-2026-03',
  wid: 'wf-billing-2026-03',
  pred: ['sr-2026-03', 'sr-2026-03-lab', 'sr-2026-03-clinic'],
  currency: 'EUR',
  positions: { [SAMPLE_CONSUMER]: '-30.00', [SAMPLE_PROVIDER]: '50.00', [SAMPLE_THIRD]: '-20.00' },
  transfers: [
    { from: SAMPLE_CONSUMER, to: SAMPLE_PROVIDER, amount: '30' },
    { from: SAMPLE_THIRD, to: SAMPLE_PROVIDER, amount: '20' },
  ],
  method: 'exact',
};

/** Every accounting message type with its sample claims and the key of the party that signs first. */
export const ACCOUNTING_SAMPLES: readonly { type: AnyMessageType; claims: object; key: PrivateKey }[] = [
  { type: consumptionRecord, claims: sampleConsumptionClaims, key: ACCOUNTING_KEYS.provider },
  { type: priceTable, claims: samplePriceTableClaims, key: ACCOUNTING_KEYS.provider },
  { type: statement, claims: sampleStatementClaims, key: ACCOUNTING_KEYS.provider },
  { type: reconciliation, claims: sampleReconciliationClaims, key: ACCOUNTING_KEYS.consumer },
  { type: dispute, claims: sampleDisputeClaims, key: ACCOUNTING_KEYS.consumer },
  { type: settlementReceipt, claims: sampleSettlementClaims, key: ACCOUNTING_KEYS.consumer },
  { type: nettingStatement, claims: sampleNettingClaims, key: ACCOUNTING_KEYS.provider },
];

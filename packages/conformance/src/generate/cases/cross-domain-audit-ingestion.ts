/**
 * The `au-rating` vectors of `cross-domain-audit.md` §13 that start from signed records (rows 39 and 40): the
 * sample Consumption Record countersigned (the record of row 37) ingested twice, and its CloudEvents export. The
 * expected values are worked out from the spec, not by the package: the content digest is hashed from the signed
 * payload (`contentDigest`), the rating and the events are written out by hand below.
 */
import { toHex } from '@safety-net/core';
import { samplePriceTableClaims } from '@safety-net/cross-domain-audit/testing';
import type { Vector } from '../../format.js';
import { contentDigest, countersignedRecord, recordVector } from './cross-domain-audit-consumption-record.js';

const ratingVector = (id: string, description: string, input: object, expected: object): Vector =>
  recordVector({ id, description, kind: 'au-rating', input, expected });

export function crossDomainAuditIngestionVectors(): Vector[] {
  const record = countersignedRecord();
  const digest = contentDigest(record);
  // One hour of a triage agent: the sample record's agent, workflow and ECT.
  const attribution = {
    agent: 'spiffe://clinic.example/agent/triage',
    workflow: 'wf-triage-42',
    task: 'ect-triage-7f3a',
  };
  return [
    ratingVector(
      'consumption-replayed',
      'The same countersigned record ingested twice: the replay is refused with the original index and counted once (cross-domain-audit.md §8.1, §8.4).',
      { records_hex: [toHex(record), toHex(record)], table: samplePriceTableClaims },
      {
        result: 'valid',
        ingested: [{ index: 0 }, { error: 'ERR_AU_RECORD_DUPLICATE', original: 0 }],
        // Rated once, EUR scale 2, half even. Cache reads have their own price, so they leave the input tokens:
        // 100,000 × 0.40 / 10⁶ = 0.04 and 20,000 × 0.10 / 10⁶ = 0.002 → 0.00. Reasoning tokens have none and stay
        // in the output tokens: 8,000 × 1.60 / 10⁶ = 0.0128 → 0.01. 3 calls × 0.50 / 1,000 = 0.0015 → 0.00;
        // 12.5 CPU seconds × 0.12 / 3,600 → 0.00. Twice counted it would be 0.08 + 0.03 = 0.11.
        lines: [
          { kind: 'cpu_seconds', quantity: '12.5', amount: '0.00' },
          { kind: 'api_calls', quantity: '3', amount: '0.00' },
          { kind: 'gen_ai.usage.input_tokens', model: 'gpt-4.1-mini', quantity: '100000', amount: '0.04' },
          { kind: 'gen_ai.usage.output_tokens', model: 'gpt-4.1-mini', quantity: '8000', amount: '0.01' },
          { kind: 'gen_ai.usage.cache_read.input_tokens', model: 'gpt-4.1-mini', quantity: '20000', amount: '0.00' },
        ],
        total: '0.05',
        currency: 'EUR',
      },
    ),
    ratingVector(
      'cloudevent-export',
      'The CloudEvents 1.0 JSON (structured mode) of the countersigned record: one event per model, the items without a model in their own (cross-domain-audit.md §8.2).',
      { records_hex: [toHex(record)] },
      {
        result: 'valid',
        ingested: [{ index: 0 }],
        // Required attributes id, source, specversion, type; time in RFC 3339 UTC without fractional seconds
        // (period.end = 2026-03-01T00:00:00Z − 60 s); data a JSON value since datacontenttype is application/json.
        events: [
          {
            specversion: '1.0',
            id: `${digest}.0`,
            source: 'models.provider.example/meters/model-gateway',
            type: 'safetynet.consumption.v1',
            subject: 'clinic.example',
            time: '2026-02-28T23:59:00Z',
            datacontenttype: 'application/json',
            data: {
              ...attribution,
              model: 'gpt-4.1-mini',
              provider: 'openai',
              'gen_ai.usage.input_tokens': 120000,
              'gen_ai.usage.cache_read.input_tokens': 20000,
              'gen_ai.usage.output_tokens': 8000,
              'gen_ai.usage.reasoning.output_tokens': 3000,
            },
            snrecord: Buffer.from(record).toString('base64url'),
          },
          {
            specversion: '1.0',
            id: `${digest}.1`,
            source: 'models.provider.example/meters/model-gateway',
            type: 'safetynet.consumption.v1',
            subject: 'clinic.example',
            time: '2026-02-28T23:59:00Z',
            datacontenttype: 'application/json',
            // Whole counts are JSON integers; the fractional CPU seconds a decimal string.
            data: { ...attribution, api_calls: 3, cpu_seconds: '12.5' },
            snrecord: Buffer.from(record).toString('base64url'),
          },
        ],
      },
    ),
  ];
}

import { describe, expect, it } from 'vitest';
import {
  CLOUDEVENTS_BATCH_JSON,
  type ConsumptionEvent,
  consumptionDigest,
  consumptionEvents,
  countersignConsumption,
  eventBatch,
  MAX_BATCH_EVENTS,
  signConsumption,
  structuredEvent,
  verifyConsumption,
} from '../../src/index.js';
import { ACCOUNTING_KEYS, sampleConsumptionClaims as record } from '../../src/testing.js';
import { clock, keys } from './fixtures.js';

/**
 * An independent reading of the CloudEvents 1.0 JSON event format (spec §3, attribute rules of the core spec §3.1):
 * required `specversion` "1.0", `id`, `source`, `type` as non-empty strings; optional `subject`, `time` (RFC 3339),
 * `datacontenttype`, `dataschema`; `null` means unset; extension names lowercase letters and digits, at most 20;
 * `data` and `data_base64` exclusive. Returns the problems found.
 */
function cloudEventProblems(event: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const set = Object.entries(event).filter(([, v]) => v !== null);
  const attr = Object.fromEntries(set);
  if (attr.specversion !== '1.0') problems.push('specversion');
  for (const name of ['id', 'source', 'type']) {
    if (typeof attr[name] !== 'string' || attr[name] === '') problems.push(name);
  }
  if ('time' in attr && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(String(attr.time))) {
    problems.push('time');
  }
  for (const name of ['subject', 'datacontenttype', 'dataschema']) {
    if (name in attr && (typeof attr[name] !== 'string' || attr[name] === '')) problems.push(name);
  }
  if ('data' in event && 'data_base64' in event) problems.push('data and data_base64');
  for (const [name] of set) {
    if (!/^[a-z0-9]{1,20}$/.test(name) && name !== 'data_base64') problems.push(`attribute name ${name}`);
  }
  return problems;
}

describe('the CloudEvents checker of this test, on events shaped as the JSON format examples', () => {
  // Events with the features of the JSON format's examples (§3.2, §4.3): binary data, XML data with an unset
  // extension, JSON data with an unset subject, a bare JSON string, and batches including the empty one.
  const binary = {
    specversion: '1.0',
    type: 'org.example.backup',
    source: '/jobs',
    id: 'X-1',
    time: '2026-01-02T03:04:05Z',
    orgexampleflag: 'on',
    orgexamplecount: 7,
    datacontenttype: 'application/octet-stream',
    data_base64: 'AAEC',
  };
  const xml = {
    ...binary,
    id: 'X-2',
    unsetext: null,
    datacontenttype: 'application/xml',
    data_base64: undefined,
    data: '<a/>',
  };
  const json = {
    ...binary,
    id: 'X-3',
    subject: null,
    datacontenttype: 'application/json',
    data_base64: undefined,
    data: { a: 1 },
  };
  const text = { specversion: '1.0', type: 't', source: '/s', id: 'X-4', data: 'just text' };

  it('accepts them, and refuses broken ones', () => {
    for (const e of [binary, xml, json, text]) expect(cloudEventProblems(JSON.parse(JSON.stringify(e)))).toEqual([]);
    expect(JSON.parse('[]')).toEqual([]);
    expect(cloudEventProblems({ ...text, specversion: '0.3' })).toEqual(['specversion']);
    expect(cloudEventProblems({ ...text, id: '' })).toEqual(['id']);
    expect(cloudEventProblems({ ...text, time: '2026-01-02 03:04' })).toEqual(['time']);
    expect(cloudEventProblems({ ...text, 'Bad-Name': 1 })).toEqual(['attribute name Bad-Name']);
    expect(cloudEventProblems({ ...text, data_base64: 'AA' })).toEqual(['data and data_base64']);
  });
});

describe('CloudEvents export (spec §8.2)', () => {
  const bytes = countersignConsumption(signConsumption(record, ACCOUNTING_KEYS.provider), ACCOUNTING_KEYS.consumer);
  const events = consumptionEvents(bytes, record);
  const digest = consumptionDigest(record);

  it('splits a record by model, each event carrying the exact attributes of the spec', () => {
    expect(events).toHaveLength(2);
    const [model, plain] = events as [ConsumptionEvent, ConsumptionEvent];
    expect(model).toEqual({
      specversion: '1.0',
      id: `${digest}.0`,
      source: 'models.provider.example/meters/model-gateway',
      type: 'safetynet.consumption.v1',
      subject: 'clinic.example',
      time: '2026-02-28T23:59:00Z',
      datacontenttype: 'application/json',
      data: {
        agent: record.agent,
        workflow: record.wid,
        task: record.task,
        model: 'gpt-4.1-mini',
        provider: 'openai',
        'gen_ai.usage.input_tokens': 120000,
        'gen_ai.usage.cache_read.input_tokens': 20000,
        'gen_ai.usage.output_tokens': 8000,
        'gen_ai.usage.reasoning.output_tokens': 3000,
      },
      snrecord: expect.any(String),
    });
    expect(plain.id).toBe(`${digest}.1`);
    expect(plain.data).toEqual({
      agent: record.agent,
      workflow: record.wid,
      task: record.task,
      api_calls: 3,
      cpu_seconds: '12.5',
    });
    for (const e of events) expect(cloudEventProblems(JSON.parse(structuredEvent(e)))).toEqual([]);
  });

  it('is recognised as the same event on re-export, and carries a record the receiver can verify', async () => {
    const again = consumptionEvents(
      countersignConsumption(signConsumption(record, ACCOUNTING_KEYS.provider), ACCOUNTING_KEYS.consumer),
      record,
    );
    expect(again.map((e) => e.id)).toEqual(events.map((e) => e.id));
    const carried = Buffer.from(events[0]!.snrecord, 'base64url');
    const r = await verifyConsumption(new Uint8Array(carried), { keys, clock });
    expect(r.ok && r.digest).toBe(digest);
    const single = consumptionEvents(bytes, { ...record, items: [record.items[4]!] });
    expect(single[0]!.id).toBe(consumptionDigest({ ...record, items: [record.items[4]!] }));
  });

  it('writes large and fractional quantities as decimal strings, and a type of the caller’s choice', () => {
    const big = { ...record, items: [{ kind: 'net_bytes_out' as const, quantity: '9007199254740993' }] };
    const [e] = consumptionEvents(bytes, big, { type: 'org.example.usage' });
    expect(e!.data.net_bytes_out).toBe('9007199254740993');
    expect(e!.type).toBe('org.example.usage');
    const below = consumptionEvents(bytes, {
      ...big,
      items: [{ kind: 'net_bytes_out', quantity: '9007199254740991' }],
    });
    expect(below[0]!.data.net_bytes_out).toBe(9007199254740991);
  });

  it('batches at most 1,000 events as a JSON array (application/cloudevents-batch+json)', () => {
    expect(CLOUDEVENTS_BATCH_JSON).toBe('application/cloudevents-batch+json');
    const batch = JSON.parse(eventBatch(events));
    expect(batch).toEqual(events);
    expect(JSON.parse(eventBatch([]))).toEqual([]);
    expect(() => eventBatch(Array(MAX_BATCH_EVENTS + 1).fill(events[0]))).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }),
    );
  });

  it('fits what OpenMeter ingests: a subject, JSON data, numeric or numeric-text values a meter can sum', () => {
    // OpenMeter requires `subject` (the customer it aggregates on), accepts only application/json data, and reads a
    // meter's value with a JSONPath into `data` that must be a number or a string parsable as one.
    for (const e of events) {
      expect(typeof e.subject).toBe('string');
      expect(e.datacontenttype).toBe('application/json');
      for (const [k, v] of Object.entries(e.data)) {
        if (k.startsWith('gen_ai.usage.') || ['api_calls', 'cpu_seconds'].includes(k))
          expect(Number.isFinite(Number(v))).toBe(true);
      }
    }
    const sum = events.reduce((s, e) => s + Number(e.data['gen_ai.usage.input_tokens'] ?? 0), 0);
    expect(sum).toBe(120000);
  });
});

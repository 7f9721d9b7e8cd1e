import { isSafetyNetError } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ObservationInputSchema, parseObservation } from '../../src/monitor/observation-input.js';
import { readObservation } from '../../src/monitor/read-observation.js';

const outcome = (f: () => unknown): string => {
  try {
    return JSON.stringify(f());
  } catch (e) {
    return isSafetyNetError(e) ? e.code : `foreign: ${String(e)}`;
  }
};

const str = (max: number) =>
  fc.oneof(fc.string({ minLength: 0, maxLength: 3 }), fc.string({ minLength: max - 1, maxLength: max + 1 }));
const value = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant([]),
  fc.constant({}),
);
const nearValid = fc.record(
  {
    jti: fc.oneof(str(256), value),
    wid: str(256),
    iss: str(1024),
    exec_act: fc.oneof(str(1024), value),
    pred: fc.oneof(fc.array(fc.oneof(str(256), value), { maxLength: 3 }), value),
    time_ms: fc.oneof(
      fc.nat(),
      fc.integer({ min: -5, max: 5 }),
      fc.double(),
      fc.constant(Number.MAX_SAFE_INTEGER + 2),
      value,
    ),
    params: fc.oneof(
      fc.dictionary(
        fc.oneof(fc.string({ maxLength: 3 }), fc.constant('x'.repeat(129)), fc.constant('__proto__')),
        value,
        { maxKeys: 4 },
      ),
      value,
    ),
    outcome: fc.oneof(fc.constantFrom('success', 'failure', 'timeout', 'ok'), value),
    latency_ms: fc.oneof(fc.double(), value),
    resources: fc.oneof(
      fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.double(), value), { maxKeys: 3 }),
      value,
    ),
    scopes: fc.oneof(fc.array(fc.oneof(str(1024), value), { maxLength: 3 }), value),
    extra: value,
  },
  { requiredKeys: ['wid', 'iss'] },
);

describe('readObservation', () => {
  it('accepts and refuses exactly what ObservationInputSchema does, with the same output (property)', () => {
    fc.assert(
      fc.property(nearValid, (input) => {
        const schema = ObservationInputSchema.safeParse(input);
        const mine = outcome(() => readObservation(input));
        if (schema.success) expect(mine).toBe(JSON.stringify(schema.data));
        else expect(mine).toBe('ERR_BV_OBSERVATION_INVALID');
        expect(outcome(() => parseObservation(input))).toBe(
          schema.success ? JSON.stringify(schema.data) : 'ERR_BV_OBSERVATION_INVALID',
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('copies what it checked: a getter that changes its answer cannot slip a value past the check', () => {
    let reads = 0;
    const params = {
      get notional() {
        return reads++ === 0 ? 1 : 'huge';
      },
    };
    const obs = readObservation({ jti: 'j', wid: 'w', iss: 'i', exec_act: 'a', pred: [], time_ms: 0, params });
    expect(obs.params.notional).toBe(1);
    expect(obs.params.notional).toBe(1);
  });

  it('copies into dictionaries that inherit nothing: no member of Object.prototype reads as a parameter', () => {
    const obs = readObservation({
      jti: 'j',
      wid: 'w',
      iss: 'i',
      exec_act: 'a',
      pred: [],
      time_ms: 0,
      params: { n: 1 },
      resources: { cpu_ms: 2 },
    });
    for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      expect(obs.params[name]).toBeUndefined();
      expect(obs.resources?.[name]).toBeUndefined();
    }
    expect(JSON.stringify(obs.params)).toBe('{"n":1}');
  });

  it('counts own members only: an enumerable member added to Object.prototype is neither a field nor a parameter', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'x';
    try {
      const obs = readObservation({
        jti: 'j',
        wid: 'w',
        iss: 'i',
        exec_act: 'a',
        pred: [],
        time_ms: 0,
        params: { n: 1 },
        resources: {},
      });
      expect(Object.keys(obs.params)).toEqual(['n']);
      expect(Object.keys(obs.resources ?? {})).toEqual([]);
      expect(() =>
        readObservation({ jti: 'j', wid: 'w', iss: 'i', exec_act: 'a', pred: [], time_ms: 0, own: 1 }),
      ).toThrow(expect.objectContaining({ code: 'ERR_BV_OBSERVATION_INVALID' }));
    } finally {
      delete proto.polluted;
    }
  });

  it('refuses more than 256 parameters, and accepts 256', () => {
    const params = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i]));
    const input = (n: number) => ({
      jti: 'j',
      wid: 'w',
      iss: 'i',
      exec_act: 'a',
      pred: [],
      time_ms: 0,
      params: params(n),
    });
    expect(Object.keys(readObservation(input(256)).params)).toHaveLength(256);
    expect(() => readObservation(input(257))).toThrow(expect.objectContaining({ code: 'ERR_BV_OBSERVATION_INVALID' }));
  });
});

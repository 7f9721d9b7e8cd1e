import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson, fromUtf8, toBase64Url, toHex } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { actionDigest, checkActionDigest } from '../../src/messages/action-digest.js';
import { ActionNameSchema } from '../../src/messages/common.js';

const text = (value: unknown) => fromUtf8(canonicalJson(value));

describe('canonicalJson against the examples published in RFC 8785', () => {
  it('serialises the §3.2.2 input as §3.2.3 and §3.2.4 give it, byte for byte', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    );
    const expectedHex = [
      '7b226c6974657261 6c73223a5b6e756c 6c2c747275652c66 616c73655d2c226e 756d62657273223a',
      '5b333333333333333333 2e33333333333333 2c31652b33302c34 2e352c302e303032 2c31652d32375d2c',
      '22737472696e6722 3a22e282ac245c75 303030665c6e4127 425c225c5c5c5c5c 222f227d',
    ]
      .join('')
      .replaceAll(' ', '');
    expect(toHex(canonicalJson(input))).toBe(expectedHex);
    expect(text(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts members by UTF-16 code units (§3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const sorted: [string, string][] = [
      ['\r', 'Carriage Return'],
      ['1', 'One'],
      ['\u0080', 'Control'],
      ['\u00f6', 'Latin Small Letter O With Diaeresis'],
      ['\u20ac', 'Euro Sign'],
      ['\ud83d\ude00', 'Emoji: Grinning Face'],
      ['\ufb33', 'Hebrew Letter Dalet With Dagesh'],
    ];
    expect(text(input)).toBe(`{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  });

  it('writes numbers as Appendix B does', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [1e23, '1e+23'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
    ];
    for (const [n, form] of cases) expect(text([n])).toBe(`[${form}]`);
  });

  it('refuses what JSON cannot carry with ERR_INPUT_INVALID', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '\ud800', undefined]) {
      expect(() => canonicalJson({ v: bad === undefined ? bad : [bad] })).not.toThrow(TypeError);
      if (bad !== undefined) {
        expect(() => canonicalJson([bad])).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
      }
    }
    expect(() => canonicalJson(undefined)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
  });
});

describe('actionDigest (spec §4.2)', () => {
  it('gives the spec example: the 27 canonical bytes of a stop and their SHA-256', () => {
    const bytes = canonicalJson({ params: {}, name: 'stop' });
    expect(fromUtf8(bytes)).toBe('{"name":"stop","params":{}}');
    expect(bytes).toHaveLength(27);
    expect(toHex(sha256(bytes))).toMatch(/^1f6d2cc0.*16c85844$/);
    expect(actionDigest({ name: 'stop', params: {} })).toBe('H20swNzx2vdbUE4cbeiI9YZ2NN0FPNN74--wJBbIWEQ');
  });

  it('does not depend on the order members were written in', () => {
    const a = actionDigest({ name: 'dispense', params: { units: 5, drug: 'x', nested: { b: 1, a: [2, 1] } } });
    const b = actionDigest({ name: 'dispense', params: { nested: { a: [2, 1], b: 1 }, drug: 'x', units: 5 } });
    expect(a).toBe(b);
    expect(actionDigest({ name: 'dispense', params: { nested: { a: [1, 2], b: 1 }, drug: 'x', units: 5 } })).not.toBe(
      a,
    );
  });

  it('gives the digest of the canonical form for every action without parameters, however the params look', () => {
    const hashed = (name: string, params: object) => toBase64Url(sha256(canonicalJson({ name, params })));
    const inherited = Object.create({ units: 5 }) as object;
    const withToJson = { toJSON: () => ({ units: 5 }) };
    const lookalikes: object[] = [
      {},
      Object.create(null),
      inherited,
      withToJson,
      [],
      new Date(0),
      { units: undefined },
    ];
    for (const name of [...ActionNameSchema.options, 'pharmacy.dispense']) {
      for (const params of lookalikes) {
        expect(actionDigest({ name, params }), `${name} ${JSON.stringify(params)}`).toBe(hashed(name, params));
        expect(actionDigest({ name, params }), `${name} again`).toBe(hashed(name, params));
      }
    }
    expect(actionDigest({ name: 'stop', params: withToJson })).not.toBe(actionDigest({ name: 'stop', params: {} }));
  });

  it('refuses a mismatching act_digest with ERR_OV_ACTION_DIGEST', () => {
    const action = { name: 'stop', params: {} };
    expect(() => checkActionDigest({ action, act_digest: actionDigest(action) })).not.toThrow();
    expect(() =>
      checkActionDigest({ action: { name: 'pause', params: {} }, act_digest: actionDigest(action) }),
    ).toThrow(expect.objectContaining({ code: 'ERR_OV_ACTION_DIGEST' }));
  });
});

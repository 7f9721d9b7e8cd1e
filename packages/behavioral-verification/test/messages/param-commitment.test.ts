import { createHash } from 'node:crypto';
import { fromBase64Url, seededRandom, toBase64Url } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitParams, discloseParam, verifyDisclosure } from '../../src/messages/param-commitment.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('parameter commitments', () => {
  const params = { notional: '250000.50', symbol: 'ACME', quantity: 500, hedge: false, price: 101.25 };
  const committed = commitParams(params, seededRandom('commit-test'));

  it('commits to SHA-256 of the CBOR array [salt, name, value], checked with an independent hash and hand encoding', () => {
    const d = committed.disclosures.symbol!;
    // 83 (array of 3) | 50 + 16 salt bytes (bstr) | 66 "symbol" | 64 "ACME"
    const cbor = Buffer.concat([
      Buffer.from([0x83, 0x50]),
      Buffer.from(fromBase64Url(d.salt)),
      Buffer.from([0x66]),
      Buffer.from('symbol'),
      Buffer.from([0x64]),
      Buffer.from('ACME'),
    ]);
    expect(committed.commitments.symbol).toBe(toBase64Url(createHash('sha256').update(cbor).digest()));
  });

  it('discloses each parameter on its own, and each disclosure verifies', () => {
    for (const [name, value] of Object.entries(params)) {
      expect(verifyDisclosure(committed.commitments, discloseParam(committed, name))).toEqual(value);
    }
    expect(new Set(Object.values(committed.disclosures).map((d) => d.salt)).size).toBe(5);
  });

  it('refuses a changed value, name or salt, an uncommitted parameter and malformed disclosures', () => {
    const d = discloseParam(committed, 'notional');
    const bad = [
      { ...d, value: '250000.5' },
      { ...d, value: 250000.5 },
      { ...d, name: 'quantity' },
      { ...d, salt: toBase64Url(new Uint8Array(16)) },
      { ...d, name: 'missing' },
      { ...d, name: '__proto__' },
      { ...d, extra: 1 },
      { ...d, salt: 'short' },
      null,
      'text',
      [],
    ];
    for (const b of bad)
      expect(() => verifyDisclosure(committed.commitments, b)).toThrow(code('ERR_BV_DISCLOSURE_INVALID'));
    expect(() => discloseParam(committed, 'missing')).toThrow(code('ERR_BV_DISCLOSURE_INVALID'));
    expect(() => discloseParam(committed, 'toString')).toThrow(code('ERR_BV_DISCLOSURE_INVALID'));
  });

  it('refuses disclosures whose getters or proxy traps throw with ERR_BV_DISCLOSURE_INVALID', () => {
    const d = discloseParam(committed, 'notional');
    const hostile = [
      {
        ...d,
        get name(): string {
          throw new Error('boom');
        },
      },
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new TypeError('keys');
          },
          get: () => {
            throw new TypeError('get');
          },
        },
      ),
      new Proxy(d, {
        get: () => {
          throw new TypeError('get');
        },
      }),
    ];
    for (const h of hostile)
      expect(() => verifyDisclosure(committed.commitments, h)).toThrow(code('ERR_BV_DISCLOSURE_INVALID'));
  });

  it('refuses parameters a disclosure cannot carry with ERR_INPUT_INVALID', () => {
    const hostile = JSON.parse('{"__proto__": 1}') as Record<string, number>;
    for (const p of [hostile, { '': 1 }, { ['x'.repeat(129)]: 1 }, { x: Number.NaN }, { x: {} as never }]) {
      expect(() => commitParams(p)).toThrow(code('ERR_INPUT_INVALID'));
    }
  });

  it('answers arbitrary disclosures with ERR_BV_DISCLOSURE_INVALID only', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        try {
          verifyDisclosure(committed.commitments, junk);
          expect.unreachable();
        } catch (e) {
          expect(e).toEqual(code('ERR_BV_DISCLOSURE_INVALID'));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('verifies every disclosure of random parameter sets, and never another commitment', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 10 }).filter((n) => n !== '__proto__'),
          value,
          { minKeys: 2, maxKeys: 6 },
        ),
        (p) => {
          const c = commitParams(p, seededRandom(JSON.stringify(p)));
          const names = Object.keys(p);
          for (const n of names) expect(Object.is(verifyDisclosure(c.commitments, c.disclosures[n]), p[n])).toBe(true);
          const swapped = { ...c.disclosures[names[0]!]!, name: names[1]! };
          expect(() => verifyDisclosure(c.commitments, swapped)).toThrow(code('ERR_BV_DISCLOSURE_INVALID'));
        },
      ),
      { numRuns: 200 },
    );
  });
});

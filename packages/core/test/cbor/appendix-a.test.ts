import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath, sharedTitle } from '../../../../test-support/shared.js';
import {
  CborFloat,
  type CborValue,
  cborDiagnostic,
  cborEquals,
  decodeCbor,
  encodeCbor,
  Tagged,
} from '../../src/cbor/index.js';
import { isSafetyNetError } from '../../src/errors/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

// RFC 8949 Appendix A (as published for RFC 7049 by cbor/test-vectors): every entry is decoded and compared with
// the vector's JSON value or diagnostic notation; every roundtrip entry re-encodes to the same bytes.

interface Entry {
  hex: string;
  roundtrip: boolean;
  decoded?: Expected;
  diagnostic?: string;
}
type Expected = number | string | boolean | null | { $big: string } | Expected[] | { [key: string]: Expected };

const path = sharedPath('external-vectors/cbor/appendix_a.json');

/** Integers beyond 2^53 are imprecise as JSON numbers: keep their literal text before parsing. */
function loadEntries(file: string): Entry[] {
  const raw = readFileSync(file, 'utf8').replace(/("decoded":\s*)(-?\d{16,})\b/g, '$1{"$big": "$2"}');
  return JSON.parse(raw) as Entry[];
}

/** RFC 8949 §3.3 made two-byte simple values below 32 not well-formed; RFC 7049 listed simple(24) as an example. */
const NOT_WELL_FORMED_SINCE_RFC_8949 = new Set(['f818']);

function bignumValue(t: Tagged): bigint {
  const bytes = t.value as Uint8Array;
  const n = bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  return t.tag === 2 ? n : -1n - n;
}

/** Compares our decoded value with the vector's JSON value; `isFloat` says the CBOR item is a float. */
function expectMatches(actual: CborValue, expected: Expected, isFloat: boolean): void {
  if (expected !== null && typeof expected === 'object' && '$big' in expected && typeof expected.$big === 'string') {
    const big = BigInt(expected.$big);
    const value = actual instanceof Tagged ? bignumValue(actual) : actual;
    expect(value).toBe(big);
    return;
  }
  if (typeof expected === 'number') {
    if (isFloat) {
      // Integral floats (other than -0) must come back as CborFloat so that they re-encode as floats.
      const integral = Number.isInteger(expected) && !Object.is(expected, -0);
      expect(actual instanceof CborFloat).toBe(integral);
      expect(Object.is(actual instanceof CborFloat ? actual.value : actual, expected)).toBe(true);
    } else {
      expect(actual).toBe(expected);
    }
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    const items = actual as CborValue[];
    expect(items.length).toBe(expected.length);
    for (const [i, e] of expected.entries()) expectMatches(items[i], e, false);
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(actual).toBeInstanceOf(Map);
    const map = actual as Map<CborValue, CborValue>;
    expect([...map.keys()]).toEqual(Object.keys(expected));
    for (const [k, v] of Object.entries(expected)) expectMatches(map.get(k), v as Expected, false);
    return;
  }
  expect(actual).toBe(expected);
}

/** Our decoder joins chunked strings, so `(_ h'0102', h'030405')` reads as `h'0102030405'`. */
function joinedChunks(diagnostic: string): string {
  const chunked = /^\(_ (.*)\)$/.exec(diagnostic);
  if (!chunked) return diagnostic;
  return `h'${[...chunked[1]!.matchAll(/h'([0-9a-f]*)'/g)].map((m) => m[1]).join('')}'`;
}

describe.skipIf(!path)(sharedTitle('RFC 8949 Appendix A', 'external-vectors/cbor/appendix_a.json'), () => {
  const entries = path ? loadEntries(path) : [];

  it('has all 82 entries', () => {
    expect(entries.length).toBe(82);
  });

  for (const entry of entries) {
    const bytes = fromHex(entry.hex);
    const title = `${entry.hex} ${entry.diagnostic ?? JSON.stringify(entry.decoded)}`;

    if (NOT_WELL_FORMED_SINCE_RFC_8949.has(entry.hex)) {
      it(`${title} is rejected as not well-formed`, () => {
        expect(() => decodeCbor(bytes)).toThrow(expect.objectContaining({ code: 'ERR_CBOR_MALFORMED' }));
      });
      continue;
    }

    it(title, () => {
      let value: CborValue;
      if (entry.roundtrip) {
        value = decodeCbor(bytes, { requireSortedKeys: true });
        expect(toHex(encodeCbor(value))).toBe(entry.hex);
      } else {
        // Not preferred serialization: strict decoding refuses it, the relaxed decoder reads it, and re-encoding
        // gives a preferred form that strict decoding accepts as the same value.
        const refused = (() => {
          try {
            decodeCbor(bytes);
            return undefined;
          } catch (e) {
            return isSafetyNetError(e) ? e.code : e;
          }
        })();
        expect(['ERR_CBOR_INDEFINITE_LENGTH', 'ERR_CBOR_NON_SHORTEST']).toContain(refused);
        value = decodeCbor(bytes, { allowIndefinite: true, allowNonShortest: true });
        expect(cborEquals(decodeCbor(encodeCbor(value)), value)).toBe(true);
      }
      const isFloat = bytes[0]! >= 0xf9 && bytes[0]! <= 0xfb;
      if (entry.decoded !== undefined) expectMatches(value, entry.decoded, isFloat);
      else expect(cborDiagnostic(value)).toBe(joinedChunks(entry.diagnostic!));
    });
  }
});

import { ectHash, formatExecutionContext, parseExecutionContext, utf8 } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('Execution-Context header field', () => {
  it('carries JWS and COSE tokens in one list, and reads separate field lines', () => {
    const cose = new Uint8Array([0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40]);
    const value = formatExecutionContext(['aaa.bbb.ccc', cose]);
    expect(value).toBe('aaa.bbb.ccc, 0oRAoPZA');
    expect(parseExecutionContext(value)).toEqual([
      { format: 'jws', token: 'aaa.bbb.ccc' },
      { format: 'cose', bytes: cose },
    ]);
    expect(parseExecutionContext(['aaa.bbb.ccc', '0oRAoPZA'])).toHaveLength(2);
    expect(parseExecutionContext(null)).toEqual([]);
    // RFC 9110 §5.6.1.2: empty list members are ignored.
    expect(parseExecutionContext('aaa.bbb.ccc, ,,')).toEqual([{ format: 'jws', token: 'aaa.bbb.ccc' }]);
  });

  it('removes only spaces and tabs around a member (RFC 9110 OWS); other whitespace makes it invalid', () => {
    expect(parseExecutionContext(' \tAA\t , \taaa.bbb.ccc ')).toEqual([
      { format: 'cose', bytes: new Uint8Array([0]) },
      { format: 'jws', token: 'aaa.bbb.ccc' },
    ]);
    for (const ws of ['\n', '\r', '\u00a0', '\u2003', '\v', '\f']) {
      expect(() => parseExecutionContext(`AA${ws}`), JSON.stringify(ws)).toThrow(
        expect.objectContaining({ code: 'ERR_ECT_HEADER_INVALID' }),
      );
    }
  });

  for (const bad of ['a.b', 'a.b.c.d', 'not base64!', 'AA,,a.b', 'a'.repeat(70_000), Array(101).fill('AA').join(',')]) {
    it(`refuses ${JSON.stringify(bad.slice(0, 20))}…`, () => {
      expect(() => parseExecutionContext(bad)).toThrow(expect.objectContaining({ code: 'ERR_ECT_HEADER_INVALID' }));
    });
  }

  it('never throws anything but typed errors (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        try {
          parseExecutionContext(s);
        } catch (e) {
          expect((e as { code?: string }).code).toBe('ERR_ECT_HEADER_INVALID');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('inp_hash / out_hash', () => {
  it('is unpadded base64url SHA-256 (FIPS 180-2 "abc" example)', () => {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    expect(ectHash('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(ectHash(utf8('abc'))).toBe(ectHash('abc'));
  });
});

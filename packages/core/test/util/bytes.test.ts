import { fromBase64Url, fromHex, toBase64Url, toHex, utf8 } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('base64url and hex', () => {
  it('agree with the platform codecs on every byte string (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64url');
        expect(toBase64Url(bytes)).toBe(text);
        expect(toHex(fromBase64Url(text))).toBe(Buffer.from(bytes).toString('hex'));
        expect(fromHex(toHex(bytes))).toEqual(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with the platform codec on byte strings longer than one chunk of characters', () => {
    for (const length of [24_575, 24_576, 24_577, 100_001]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131) & 0xff);
      expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
  });

  it('has one text per byte string: padding, other alphabets and stray low bits are refused', () => {
    // RFC 4648 §10 examples, in base64url without padding.
    expect(new TextDecoder().decode(fromBase64Url('Zm9vYmFy'))).toBe('foobar');
    expect(new TextDecoder().decode(fromBase64Url('Zm9vYg'))).toBe('foob');
    for (const bad of ['Zm9vYg==', 'Zm9vYh', 'Zm+v', 'Zm/v', 'Z', 'Zm9vY', 'Zm9 v', 'Zé']) {
      expect(() => fromBase64Url(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
    }
  });

  it('refuses odd-length and non-hex input', () => {
    for (const bad of ['a', 'zz', '0x00']) {
      expect(() => fromHex(bad)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
    }
  });
});

describe('utf8', () => {
  // Short ASCII text is converted by hand; everything else goes to TextEncoder, the reference.
  it('agrees with TextEncoder on every string, lone surrogates included (property)', () => {
    const encoder = new TextEncoder();
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    const strings = fc.oneof(
      fc.string({ unit: 'binary-ascii', maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: codeUnit, maxLength: 80 }),
    );
    fc.assert(
      fc.property(strings, (s) => {
        const bytes = utf8(s);
        expect(bytes).toEqual(encoder.encode(s));
        expect(bytes.byteOffset).toBe(0);
        expect(bytes.buffer.byteLength).toBe(bytes.length);
      }),
      { numRuns: 1000 },
    );
    for (const s of ['', 'a'.repeat(64), 'a'.repeat(65), `${'a'.repeat(63)}é`, '\ud800', 'x\udc00']) {
      expect(utf8(s)).toEqual(encoder.encode(s));
    }
    // Untyped callers: TextEncoder's conversions, not a crash.
    for (const v of [undefined, 12, null, { toString: () => 'obj' }]) {
      expect(utf8(v as unknown as string)).toEqual(encoder.encode(v as unknown as string));
    }
  });
});

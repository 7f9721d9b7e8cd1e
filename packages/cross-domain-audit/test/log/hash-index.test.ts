import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashIndex } from '../../src/log/hash-index.js';

const sha = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());

describe('HashIndex', () => {
  it('numbers hashes in the order first put and finds each again, as a Map of their hex does', () => {
    const index = new HashIndex();
    const reference = new Map<string, number>();
    // Enough keys to grow the key buffer and the slot table many times; every third one repeats an earlier key.
    for (let i = 0; i < 20_000; i++) {
      const hash = sha(String(i % 3 === 2 ? i >> 1 : i));
      const hex = Buffer.from(hash).toString('hex');
      const expected = reference.get(hex) ?? reference.size;
      reference.set(hex, expected);
      expect(index.put(hash)).toBe(expected);
    }
    expect(index.size).toBe(reference.size);
    for (const [hex, ordinal] of reference) expect(index.get(Buffer.from(hex, 'hex'))).toBe(ordinal);
    expect(index.get(sha('never put'))).toBeUndefined();
  });

  it('tells apart hashes whose probe bytes are equal', () => {
    const index = new HashIndex();
    const a = new Uint8Array(32);
    const b = new Uint8Array(32);
    b[31] = 1;
    expect(index.put(a)).toBe(0);
    expect(index.put(b)).toBe(1);
    expect(index.get(a)).toBe(0);
    expect(index.get(b)).toBe(1);
    const c = new Uint8Array(32);
    c[30] = 1;
    expect(index.get(c)).toBeUndefined();
  });

  it('numbers keys as a Map of their hex does, when many share their probe bytes or only their low bits', () => {
    // Probe starts that are equal (the slot's stored start matches, the keys must be compared), or that differ only
    // above the bits a table of this size uses (same first slot, different stored start), through many rehashes.
    const prefix = fc.constantFrom(
      [0, 0, 0, 0],
      [0, 0, 0, 0x40],
      [0, 0, 0x80, 0x00],
      [1, 0, 0, 0x7f],
      [1, 0, 0, 0xff],
      [0xff, 0xff, 0xff, 0xff],
    );
    const key = fc
      .tuple(prefix, fc.nat(40))
      .map(([head, tail]) => Uint8Array.from({ length: 32 }, (_, i) => (i < 4 ? head[i]! : i === 31 ? tail : 0)));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 400 }), (ops) => {
        const index = new HashIndex(8);
        const reference = new Map<string, number>();
        for (const [put, k] of ops) {
          const hex = Buffer.from(k).toString('hex');
          if (put) {
            const expected = reference.get(hex) ?? reference.size;
            reference.set(hex, expected);
            expect(index.put(k)).toBe(expected);
          } else {
            expect(index.get(k)).toBe(reference.get(hex));
          }
        }
        expect(index.size).toBe(reference.size);
        for (const [hex, ordinal] of reference) expect(index.get(Buffer.from(hex, 'hex'))).toBe(ordinal);
      }),
    );
  });

  it('holds its capacity without growing and keeps working past it', () => {
    const index = new HashIndex(3);
    for (let i = 0; i < 100; i++) expect(index.put(sha(`k${i}`))).toBe(i);
    for (let i = 0; i < 100; i++) expect(index.get(sha(`k${i}`))).toBe(i);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new HashIndex().put(new Uint8Array(31))).toThrow(RangeError);
  });
});

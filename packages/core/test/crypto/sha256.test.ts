import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/sha256.js';
import { toHex } from '../../src/util/bytes.js';

describe('sha256', () => {
  it('is the native one-shot hash on Node, not the JavaScript fallback', () => {
    expect(sha256).not.toBe(nobleSha256);
  });

  it('gives the FIPS 180-2 answers for "abc" and the two-block message', () => {
    expect(toHex(sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const twoBlocks = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
    expect(toHex(sha256(new TextEncoder().encode(twoBlocks)))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with @noble/hashes on any input, views into larger buffers included, as a plain Uint8Array', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(16), (bytes, offset) => {
        const backing = new Uint8Array(offset + bytes.length + 7);
        backing.set(bytes, offset);
        const view = backing.subarray(offset, offset + bytes.length);
        const digest = sha256(view);
        expect(Object.getPrototypeOf(digest)).toBe(Uint8Array.prototype);
        expect(digest).toEqual(nobleSha256(bytes));
      }),
      { numRuns: 500 },
    );
  });
});

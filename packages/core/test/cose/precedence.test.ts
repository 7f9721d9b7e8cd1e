import {
  type CborValue,
  encodeCbor,
  generateKey,
  publicKeyOf,
  seededRandom,
  signSign1,
  Tagged,
  utf8,
  verifySign,
  verifySign1,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';

const signer = generateKey('Ed25519', seededRandom('precedence'));
const key = publicKeyOf(signer);

/** A COSE_Sign1 by `signer` whose protected bucket holds label 99 and `crit` (alg -8 added). */
const withCrit = (crit: number[]) =>
  signSign1(utf8('x'), signer, { protectedHeader: { crit, other: new Map<number, CborValue>([[99, true]]) } });

describe('which code wins when several apply (core.md §4.5)', () => {
  it('reports a crit naming an absent label as invalid, whatever the position of a label not understood', () => {
    for (const crit of [
      [99, 100],
      [100, 99],
    ]) {
      expect(codeOf(() => verifySign1(withCrit(crit), { key }))).toBe('ERR_COSE_HEADER_INVALID');
    }
    expect(codeOf(() => verifySign1(withCrit([99]), { key }))).toBe('ERR_COSE_CRIT_UNSUPPORTED');
  });

  it('checks the whole COSE_Sign shape before counting its signatures', () => {
    const badBody = encodeCbor(new Tagged(98, [utf8('not a map'), new Map(), utf8('x'), []]));
    expect(codeOf(() => verifySign(badBody, { key }))).toBe('ERR_COSE_MALFORMED');
    const empty = encodeCbor(new Tagged(98, [new Uint8Array(0), new Map(), utf8('x'), []]));
    expect(codeOf(() => verifySign(empty, { key }))).toBe('ERR_COSE_NO_SIGNATURES');
  });

  it('refuses an invalid signer policy before reading the message', () => {
    expect(codeOf(() => verifySign(Uint8Array.of(0xff), { key, require: { atLeast: 0 } }))).toBe('ERR_INPUT_INVALID');
  });
});

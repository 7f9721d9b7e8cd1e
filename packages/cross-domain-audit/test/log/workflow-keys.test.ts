import { encodeCbor, generateKey, seededRandom, signSign1, utf8 } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { workflowKeys } from '../../src/log/workflow-keys.js';

const key = generateKey('Ed25519', seededRandom('workflow-keys'));
const claims = new Map<unknown, unknown>([
  ['wid', 'wf-1'],
  ['stitch', [new Map([['ect', 'ect-9']])]],
]);

describe('workflowKeys', () => {
  it('reads wid and stitches from a COSE_Sign1, tagged or not', () => {
    for (const tagged of [true, false]) {
      const body = signSign1(encodeCbor(claims as never), key, { tagged });
      expect(body[0]! >> 5).toBe(tagged ? 6 : 4);
      expect(workflowKeys({ kind: 'ect', body })).toEqual(['wf-1', 'ect-9']);
    }
  });

  it('finds no key in a body that is not an array or a tag, nor in one that is not CBOR', () => {
    for (const body of [
      utf8(JSON.stringify({ wid: 'wf-1' })),
      encodeCbor(claims as never),
      new Uint8Array(0),
      Uint8Array.of(0x84, 0xff),
    ]) {
      expect(workflowKeys({ kind: 'ect', body })).toEqual([]);
    }
  });
});

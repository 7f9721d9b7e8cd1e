/**
 * SD-CWT against draft-ietf-spice-sd-cwt-08's examples: each salted disclosure of its issued example (§13.1) and of
 * its decoy example encodes, byte for byte, to the bstr whose SHA-256 (over the bstr, head included) is the blinded claim hash the example's
 * payload lists (under simple value 59, or in tag 60 for array elements).
 */
import { createHash } from 'node:crypto';
import { type CborValue, encodeCbor, fromHex, toBase64Url } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { sdCwtDigest } from '../../src/sd/sd-cwt.js';

const CASES: [string, CborValue[], string][] = [
  [
    'map entry, integer key (inspector_license_number)',
    [fromHex('bae611067bb823486797da1ebbb52f83'), 'ABCD-123456', 501],
    'af375dc3fba1d082448642c00be7b2f7bb05c9d8fb61cfc230ddfdfb4616a693',
  ],
  [
    'array element (inspection date 7-Feb-2019)',
    [fromHex('8de86a012b3043ae6e4457b9e1aaab80'), 1549560720],
    '1b7fc8ecf4b1290712497d226c04b503b4aa126c603c83b75d2679c3c613f3fd',
  ],
  [
    'array element (inspection date 4-Feb-2021)',
    [fromHex('7af7084b50badeb57d49ea34627c7a52'), 1612560720],
    '64afccd3ad52da405329ad935de1fb36814ec48fdfd79e3a108ef858e291e146',
  ],
  [
    'nested map entry, text key (region)',
    [fromHex('ec615c3035d5a4ff2f5ae29ded683c8e'), 'ca', 'region'],
    '0d4b8c6123f287a1698ff2db15764564a976fb742606e8fd00e2140656ba0df3',
  ],
  [
    'nested map entry, text key (postal_code)',
    [fromHex('37c23d4ec4db0806601e6b6dc6670df9'), '94188', 'postal_code'],
    'c0b7747f960fc2e201c4d47c64fee141b78e3ab768ce941863dc8914e8f5815f',
  ],
  [
    'decoy example: array element "fr"',
    [fromHex('2bfeab9315829fe0c82a15b2c57a47b2'), 'fr'],
    'dc5f753b66acd89d78481039934a86cc14f9959c64c4037dea3f872b9a8453f1',
  ],
  [
    'decoy example: map entry 500 = true',
    [fromHex('b0392772caefd08178218f86f3e2b3a9'), true, 500],
    'bd0fd88127b3071ff5433eef59a5e3c5f18341f25c5bd119c41fd34802a9797b',
  ],
  [
    'decoy example: array decoy [salt]',
    [fromHex('c1069bc056e234d64f58baff8a7b776b')],
    '3f80963a1246b412d6567f2a5ca446fd19a01dd8cfc291bed69e8c575c5abfb8',
  ],
  [
    'decoy example: map decoy [salt]',
    [fromHex('89c41c270dd06cd3517d371c9ddf2bab')],
    'eeec970897a5b9108f24f44751baedabb53a1f3d241ab6b60c9f309f114ecf88',
  ],
];

describe('SD-CWT blinded claim hashes (draft-ietf-spice-sd-cwt-08 examples)', () => {
  it.each(CASES)('%s', (_name, parts, hash) => {
    const disclosure = encodeCbor(parts);
    expect(sdCwtDigest(disclosure)).toBe(toBase64Url(fromHex(hash)));
    // Independently of our hash: Node's SHA-256 over the bstr the disclosure travels as (RFC 8949 §3.1 head, bytes).
    const head = disclosure.length < 24 ? [0x40 + disclosure.length] : [0x58, disclosure.length];
    const bstr = Buffer.concat([Buffer.from(head), disclosure]);
    expect(createHash('sha256').update(bstr).digest('hex')).toBe(hash);
  });
});

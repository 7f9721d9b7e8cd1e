import {
  ect,
  ectHash,
  encodeCbor,
  fixedClock,
  generateKey,
  publicKeyOf,
  seededRandom,
  signSign1,
  utf8,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';

// A message type's verification decodes the message without copying its byte strings and reuses the protected
// bucket it decoded last: nothing a caller receives may alias either.

const NOW = 1_767_225_600;
const clock = fixedClock(NOW * 1000);
const signer = { ...generateKey('Ed25519', seededRandom('verify shared state')), kid: utf8('kid-1') };
const key = publicKeyOf(signer);
const claims = {
  iss: 'spiffe://example.org/a',
  aud: 'spiffe://example.org/b',
  iat: NOW,
  exp: NOW + 60,
  jti: 'task-1',
  wid: 'wf-1',
  exec_act: 'act',
  pred: [],
  inp_hash: ectHash('input'),
};

describe('ect.verify and the state it shares between calls', () => {
  it('hands out a kid of its own: changing it changes neither the message nor the next verification', () => {
    const bytes = ect.sign(claims, signer);
    const before = bytes.slice();
    const first = ect.verify(bytes, { key, clock });
    if (!first.ok) throw first.error;
    first.kid!.fill(0);
    expect(bytes).toEqual(before);
    const second = ect.verify(bytes, { key, clock });
    expect(second.ok && second.kid).toEqual(utf8('kid-1'));
  });

  it('gives a kid carried in the unprotected bucket as a copy, not a view of the message', () => {
    const payload = encodeCbor(ect.toCbor(claims));
    const bytes = signSign1(payload, signer, {
      protectedHeader: { typ: ect.typ },
      unprotectedHeader: { kid: utf8('kid-1') },
    });
    const result = ect.verify(bytes, { key, clock });
    if (!result.ok) throw result.error;
    expect(result.kid).toEqual(utf8('kid-1'));
    expect(result.kid!.buffer).not.toBe(bytes.buffer);
    result.kid!.fill(0);
    expect(ect.verify(bytes, { key, clock }).ok).toBe(true);
  });

  it('decodes a remembered protected bucket anew under the caller decoding limits', () => {
    const bytes = ect.sign(claims, signer);
    expect(ect.verify(bytes, { key, clock }).ok).toBe(true);
    // The message's outer structure holds 6 data items, its protected bucket {1: -8, 4: h'…', 16: "…"} 7.
    const limited = ect.verify(bytes, { key, clock, decode: { maxItems: 6 } });
    expect(limited.ok ? 'ok' : limited.error.code).toBe('ERR_COSE_MALFORMED');
  });

  it('tells apart two protected buckets of the same length', () => {
    const other = { ...signer, kid: utf8('kid-2') };
    const a = ect.sign(claims, signer);
    const b = ect.sign(claims, other);
    const resultA = ect.verify(a, { key, clock });
    const resultB = ect.verify(b, { key: publicKeyOf(other), clock });
    expect(resultA.ok && resultA.kid).toEqual(utf8('kid-1'));
    expect(resultB.ok && resultB.kid).toEqual(utf8('kid-2'));
    const again = ect.verify(a, { key, clock });
    expect(again.ok && again.kid).toEqual(utf8('kid-1'));
  });
});

import { decodeCbor, decodeSign1 } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { describeMessageRoundTrips, type MessageCase } from '../../../../test-support/message-suites.js';
import { AUDIT_MESSAGE_TYPES, erasureRequest, legalHold, tombstone } from '../../src/index.js';
import {
  sampleHoldClaims as hold,
  sampleHoldLiftClaims as lift,
  sampleErasureRequestClaims as request,
  sampleTombstoneClaims as tomb,
} from '../../src/testing.js';
import { cases, clock, key, strangerKey } from './message-fixtures.js';

describeMessageRoundTrips(cases, clock, () => strangerKey);

const refused = (type: MessageCase['type'], claims: object) =>
  expect(() => type.sign(claims, key)).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));

describe('erasure wire forms', () => {
  it('registers the three types of spec §2 with their typ and exec_act', () => {
    const mine = AUDIT_MESSAGE_TYPES.filter((t) => ['au-tombstone', 'au-erasure', 'au-hold'].includes(t.name));
    expect(mine.map((t) => [t.name, t.typ, t.jws?.typ, t.dag?.execAct])).toEqual(
      ['tombstone', 'erasure', 'hold'].map((n) => [`au-${n}`, `application/au-${n}+cwt`, `au-${n}+jwt`, `au.${n}`]),
    );
  });

  it('carries digests as 32-byte strings and indices as integers in CBOR', () => {
    const claims = decodeCbor(decodeSign1(tombstone.sign(tomb, key)).payload!) as Map<unknown, unknown>;
    const destroyed = claims.get('destroyed') as Uint8Array[];
    expect(destroyed.map((d) => d.length)).toEqual([32, 32, 32]);
    expect(claims.get('entries')).toEqual([17, 42]);
    const scope = (decodeCbor(decodeSign1(legalHold.sign(hold, key)).payload!) as Map<unknown, unknown>).get(
      'scope',
    ) as Map<string, unknown>;
    expect((scope.get('subjects') as Uint8Array[])[0]).toHaveLength(32);
    const stitches = (decodeCbor(decodeSign1(erasureRequest.sign(request, key)).payload!) as Map<unknown, unknown>).get(
      'stitches',
    ) as Map<string, unknown>[];
    expect(stitches[0]!.get('entry')).toBeInstanceOf(Uint8Array);
  });

  it('refuses a tombstone without entries or destroyed hashes', () => {
    refused(tombstone, { ...tomb, entries: [] });
    refused(tombstone, { ...tomb, destroyed: [] });
    refused(tombstone, { ...tomb, reason: 'forgotten' });
  });

  it('refuses a hold scope with no member, a lift that names no place, and an exp not after iat', () => {
    refused(legalHold, { ...hold, exp: hold.iat });
    expect(legalHold.parse({ ...hold, exp: hold.iat + 1 }).exp).toBe(hold.iat + 1);
    refused(legalHold, { ...hold, scope: {} });
    refused(legalHold, { ...hold, scope: { subjects: [] } });
    refused(legalHold, { ...lift, pred: [] });
    refused(legalHold, { ...hold, action: 'release' });
  });

  it('refuses an erasure request without stitches, audience or within-30-days expiry', () => {
    refused(erasureRequest, { ...request, stitches: [] });
    refused(erasureRequest, { ...request, aud: undefined });
    refused(erasureRequest, { ...request, exp: request.iat + 30 * 86_400 + 1 });
    refused(erasureRequest, { ...request, exp: request.iat });
  });
});

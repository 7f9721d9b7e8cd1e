import { compensationResult } from '@safety-net/cascade-prevention';
import { sampleCompensationClaims } from '@safety-net/cascade-prevention/testing';
import {
  ect,
  fixedClock,
  publicKeyOf,
  signJws,
  signSign1,
  singleKey,
  toBase64Url,
  utf8,
  verifyJws,
  verifySign1,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { Revocations } from '../../src/authority/revocations.js';
import { revokingResolver } from '../../src/controller/revoking-resolver.js';
import { acknowledgement, approvalRequest, handoff, heartbeat } from '../../src/index.js';
import {
  SAMPLE_AGENT,
  SAMPLE_KEYS,
  SAMPLE_NOW,
  sampleAckClaims,
  sampleApprovalRequestClaims,
  sampleHandoffClaims,
  sampleHeartbeatClaims,
} from '../../src/testing.js';

// Spec §11 with §8.3: from `revoked_at` on, a peer refuses the revoked agent's work, and still verifies the records
// of the override a halted agent signs.

const agentKey = SAMPLE_KEYS.agent;
const clock = fixedClock(SAMPLE_NOW * 1000);
const revokedAt = SAMPLE_NOW - 60;
const revocations = new Revocations([{ kid: toBase64Url(agentKey.kid!), revoked_at: revokedAt }]);
const key = revokingResolver(singleKey(publicKeyOf(agentKey)), revocations, clock);
const beforeRevocation = revokingResolver(singleKey(publicKeyOf(agentKey)), revocations, fixedClock(0));

const work = {
  aud: 'spiffe://example.org/pharmacy',
  iss: SAMPLE_AGENT,
  iat: SAMPLE_NOW,
  exp: SAMPLE_NOW + 300,
  jti: 'task-dispense-9',
  wid: 'wf-dispense-17',
  exec_act: 'pharmacy.dispense',
  pred: [],
};
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

describe('revokingResolver', () => {
  it('refuses a work ECT signed with the revoked key, in both forms, and accepts it before revoked_at', async () => {
    const cose = ect.sign(work, agentKey);
    expect(codeOf(ect.verify(cose, { key, clock }))).toBe('ERR_OV_KEY_REVOKED');
    const jws = await signJws(ect, work, agentKey);
    expect(codeOf(await verifyJws(ect, jws, { key, clock }))).toBe('ERR_OV_KEY_REVOKED');
    expect(codeOf(ect.verify(cose, { key: beforeRevocation, clock }))).toBe('ok');
  });

  it('refuses an ECT that merely names an ov.* or cp.* exec_act: its typ is the ECT’s', () => {
    for (const exec_act of ['ov.ack', 'cp.compensation']) {
      const bytes = ect.sign({ ...work, exec_act }, agentKey);
      expect(codeOf(ect.verify(bytes, { key, clock }))).toBe('ERR_OV_KEY_REVOKED');
    }
  });

  it('still verifies the records a halted agent signs (spec §8.3), in both forms', async () => {
    const records = [
      [acknowledgement, sampleAckClaims],
      [heartbeat, sampleHeartbeatClaims],
      [handoff, sampleHandoffClaims],
      [approvalRequest, sampleApprovalRequestClaims],
      [compensationResult, sampleCompensationClaims],
    ] as const;
    for (const [type, claims] of records) {
      const signed = (type.sign as (c: object, k: typeof agentKey) => Uint8Array)(claims, agentKey);
      expect(codeOf(type.verify(signed, { key, clock })), type.name).toBe('ok');
      const token = await signJws(type as typeof acknowledgement, claims as typeof sampleAckClaims, agentKey);
      const r = await verifyJws(type as typeof acknowledgement, token, { key, clock });
      expect(codeOf(r), `${type.name} (JWS)`).toBe('ok');
    }
  });

  it('refuses a message whose verifier names no typ, and any other typ', () => {
    const bare = signSign1(utf8('x'), agentKey, { protectedHeader: { kid: agentKey.kid } });
    expect(() => verifySign1(bare, { key })).toThrow(expect.objectContaining({ code: 'ERR_OV_KEY_REVOKED' }));
    const other = signSign1(utf8('x'), agentKey, { protectedHeader: { kid: agentKey.kid, typ: 'application/x+cwt' } });
    expect(() => verifySign1(other, { key })).toThrow(expect.objectContaining({ code: 'ERR_OV_KEY_REVOKED' }));
    const asAck = signSign1(utf8('x'), agentKey, { protectedHeader: { kid: agentKey.kid, typ: acknowledgement.typ } });
    expect(verifySign1(asAck, { key }).payload).toEqual(utf8('x'));
  });
});

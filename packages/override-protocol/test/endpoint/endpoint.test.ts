import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { decodeCbor, decodeSign1, publicKeyOf } from '@safety-net/core';
import { afterEach, describe, expect, it } from 'vitest';
import { OVERRIDE_PATH, type OverrideEndpointOptions, overrideEndpoint } from '../../src/endpoint/index.js';
import {
  acknowledgement,
  approvalDecision,
  approvalRequest,
  authorityPolicy,
  heartbeat,
  keyRevocation,
} from '../../src/index.js';
import {
  SAMPLE_KEYS,
  sampleApprovalDecisionClaims,
  samplePolicyClaims,
  sampleRevocationClaims,
} from '../../src/testing.js';
import { leaseOf, leaseOptions, NOW, openGuard, signal } from '../guard/world.js';

const ackOf = (bytes: Uint8Array) =>
  acknowledgement.parse(acknowledgement.fromCbor(decodeCbor(decodeSign1(bytes).payload!)));
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A guard served on loopback HTTP; `post` sends COSE bytes to a route of its endpoint. */
async function served(options: Parameters<typeof openGuard>[0] = {}, endpoint: OverrideEndpointOptions = {}) {
  const world = await openGuard(options);
  const server = createAdaptorServer({ fetch: overrideEndpoint(world.guard, endpoint) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${OVERRIDE_PATH}`;
  const post = (route: string, body: Uint8Array | string, type = 'application/cose') =>
    fetch(`${base}/${route}`, { method: 'POST', body, headers: { 'content-type': type } });
  return { ...world, base, post };
}
const bytesOf = async (r: Response) => new Uint8Array(await r.arrayBuffer());

describe('the override endpoint over loopback HTTP (spec §7.1)', () => {
  it('answers a signal with its signed acknowledgement, and a duplicate with the same bytes', async () => {
    const { post, guard } = await served();
    const stop = signal('s1', 1, 'stop');
    const first = await post('signals', stop);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/cose');
    const ack = await bytesOf(first);
    expect(ackOf(ack)).toMatchObject({ signal: 's1', status: 'complied' });
    expect(
      acknowledgement.verify(ack, { key: publicKeyOf(SAMPLE_KEYS.agent), clock: { now: () => ackOf(ack).iat * 1000 } })
        .ok,
    ).toBe(true);
    const again = await post('signals', stop);
    expect(again.status).toBe(200);
    expect(await bytesOf(again)).toEqual(ack);
    expect(guard.mode()).toBe('stopped');
  });

  it('orders by epoch and sequence: a stale resume is 409, a newer one lifts', async () => {
    const { post, guard } = await served();
    expect((await post('signals', signal('p', 5, 'pause'))).status).toBe(200);
    const stale = await post('signals', signal('r-old', 4, 'resume', { lifts: ['p'] }));
    expect(stale.status).toBe(409);
    expect(await stale.json()).toEqual({ code: 'ERR_OV_STALE' });
    expect(guard.mode()).toBe('paused');
    expect((await post('signals', signal('r', 6, 'resume', { lifts: ['p'] }))).status).toBe(200);
    expect(guard.mode()).toBe('running');
    const conflict = await post('signals', signal('x', 6, 'pause'));
    expect(await conflict.json()).toEqual({ code: 'ERR_OV_CONFLICT' });
  });

  it('answers 403 with the signed refusal for an unauthorised signal', async () => {
    const { post } = await served();
    const r = await post(
      'signals',
      signal('s', 1, 'stop', { iss: 'mailto:ada@example.org', role: 'auditor' }, SAMPLE_KEYS.auditor),
    );
    expect(r.status).toBe(403);
    expect(ackOf(await bytesOf(r))).toMatchObject({ status: 'refused', code: 'ERR_OV_UNAUTHORIZED' });
  });

  it('refuses bad input with 4xx and a code, never 5xx', async () => {
    const { post, base } = await served();
    const garbage = await post('signals', new Uint8Array([1, 2, 3]));
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { code: string }).code).toMatch(/^ERR_/);
    expect((await post('signals', new Uint8Array(64 * 1024 + 1))).status).toBe(413);
    expect((await post('signals', '{}', 'application/json')).status).toBe(415);
    const elsewhere = await post('elsewhere', new Uint8Array([1]));
    expect(elsewhere.status).toBe(404);
    expect((await fetch(`${base}/signals`)).status).toBe(405);
  });

  it('takes a newer policy and a key revocation on POST policy (204), refuses a stale one (409)', async () => {
    const { post } = await served();
    const newer = authorityPolicy.sign({ ...samplePolicyClaims, ver: 5 }, SAMPLE_KEYS.authority);
    expect((await post('policy', newer)).status).toBe(204);
    const stale = await post('policy', authorityPolicy.sign(samplePolicyClaims, SAMPLE_KEYS.authority));
    expect(stale.status).toBe(409);
    expect((await post('policy', keyRevocation.sign(sampleRevocationClaims, SAMPLE_KEYS.authority))).status).toBe(204);
    const forged = await post('policy', keyRevocation.sign(sampleRevocationClaims, SAMPLE_KEYS.agent));
    expect(await forged.json()).toEqual({ code: 'ERR_OV_POLICY_INVALID' });
  });
});

describe('leases, approvals, state and slow bodies over the endpoint', () => {
  it('takes a lease (204), answers GET state with a signed heartbeat, refuses a forged lease', async () => {
    const { post, base, guard } = await served({ lease: leaseOptions() });
    expect(guard.mode()).toBe('safe_state');
    expect((await post('lease', leaseOf())).status).toBe(204);
    expect(guard.mode()).toBe('running');
    const state = await fetch(`${base}/state`);
    expect(state.status).toBe(200);
    const beat = heartbeat.verify(await bytesOf(state), {
      key: publicKeyOf(SAMPLE_KEYS.agent),
      clock: { now: () => NOW * 1000 },
    });
    expect(beat.ok && beat.claims.state.mode).toBe('running');
    const forged = await post(
      'lease',
      leaseOf().map((b, i, a) => (i === a.length - 1 ? b ^ 1 : b)),
    );
    expect(forged.status).toBe(400);
    expect((await fetch(`${base}/state`, { method: 'POST' })).status).toBe(405);
  });

  it('takes an approval decision (204) and answers one for no pending request with 409', async () => {
    const requests: Uint8Array[] = [];
    const { post, guard } = await served({ approvals: { onRequest: (r) => requests.push(r) } });
    const ran: string[] = [];
    const running = guard.run({ name: 'dispense', params: { units: 5 } }, async () => ran.push('ran'));
    await new Promise((r) => setTimeout(r, 0));
    const request = approvalRequest.parse(approvalRequest.fromCbor(decodeCbor(decodeSign1(requests[0]!).payload!)));
    const decision = approvalDecision.sign(
      {
        ...sampleApprovalDecisionClaims,
        decision: 'approve',
        edited: undefined,
        edited_digest: undefined,
        iat: NOW,
        exp: request.exp,
        request: request.jti,
        pred: [request.jti],
        act_digest: request.act_digest,
      },
      SAMPLE_KEYS.safetyOfficer2,
    );
    expect((await post('approvals', decision)).status).toBe(204);
    await running;
    expect(ran).toEqual(['ran']);
    const late = await post('approvals', decision);
    expect(late.status).toBe(409);
    expect(await late.json()).toEqual({ code: 'ERR_OV_APPROVAL_MISMATCH' });
  });

  it('answers 408 to a body that does not arrive within bodyTimeoutMs', async () => {
    const { base } = await served({}, { bodyTimeoutMs: 200 });
    const url = new URL(`${base}/signals`);
    const started = performance.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/cose', 'content-length': '100' },
        },
        (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.write(new Uint8Array([0xd2])); // one byte of a COSE_Sign1, then nothing
    });
    expect(status).toBe(408);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses a body timeout out of range', () => {
    expect(() => overrideEndpoint({} as never, { bodyTimeoutMs: 0 })).toThrow(/bodyTimeoutMs/);
  });
});

import { decodeCbor, decodeSign1, publicKeyOf } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { controlPlaneHandler } from '../../src/controller/handler.js';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import { OVERRIDE_PATH, overrideEndpoint } from '../../src/endpoint/index.js';
import { heartbeat, type LeaseClaims, lease } from '../../src/index.js';
import { SAMPLE_CTL, SAMPLE_KEYS } from '../../src/testing.js';
import {
  agentId,
  agentKey,
  ctlPublic,
  emergencyStop,
  leasedGuard,
  ManualTime,
  makeController,
  NOW,
  serve,
  until,
} from './world.js';

const POLICY = { pid: 'ward-3', ver: 4 };
const leaseOf = (bytes: Uint8Array): LeaseClaims =>
  lease.parse(lease.fromCbor(decodeCbor(decodeSign1(bytes).payload!) as never));

describe('leases granted by the controller (spec §4.5, §9, §10)', () => {
  it('grants each agent a lease at once and renews it every ttl / 3 on the injected timer, recording each', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const controller = makeController(time, { store });
    const { guard } = await leasedGuard(time);
    controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
    controller.connect(agentId(1), guard);
    // A pull-only agent: its leases are recorded, not pushed.
    controller.registerAgent({ id: agentId(2), key: publicKeyOf(agentKey(2)), domains: ['ward-3'] });
    expect(guard.mode()).toBe('safe_state'); // no lease yet: in lapse from the start
    controller.startLeases({ ttl: 6, safeState: 'pause', policy: POLICY });
    expect(() => controller.startLeases({ policy: POLICY })).toThrow(
      expect.objectContaining({ code: 'ERR_OV_CONFIG_INVALID' }),
    );
    await until(async () => (await store.records('lease', { agent: agentId(1) })).length === 1, 'the first lease');
    const first = leaseOf((await store.records('lease', { agent: agentId(1) }))[0]!.bytes);
    expect(first).toMatchObject({
      iss: SAMPLE_CTL,
      sub: agentId(1),
      iat: NOW,
      exp: NOW + 6,
      ttl: 6,
      safe_state: 'pause',
      order: [0, 0],
      policy: POLICY,
      pred: [],
      wid: `ov:${SAMPLE_CTL}:agent:${agentId(1)}`,
    });
    await until(() => guard.state(SAMPLE_CTL).lease_exp === NOW + 6, 'the first lease taken');
    expect(guard.mode()).toBe('running');

    // 30 s: five lease lifetimes. Renewed every 2 s, the lease never lapses.
    for (let s = 1; s <= 15; s++) {
      await time.advance(2000);
      await until(async () => (await store.records('lease', { agent: agentId(1) })).length === s + 1, `lease ${s + 1}`);
      await until(() => guard.state(SAMPLE_CTL).lease_exp === NOW + 2 * s + 6, `lease ${s + 1} taken`);
    }
    expect(guard.mode()).toBe('running');
    expect((await store.records('lease', { agent: agentId(2) })).length).toBe(16);
    // A signal issued to the agent raises the order the next lease names.
    const issued = await controller.issue(emergencyStop());
    await time.advance(2000);
    await until(async () => (await store.records('lease', { agent: agentId(2) })).length === 17, 'lease 17');
    expect(leaseOf((await store.records('lease', { agent: agentId(2) })).at(-1)!.bytes).order).toEqual(issued.order);
    await controller.close();
  });

  it('records heartbeats and answers each with a lease naming it; refuses forged or misaddressed ones', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const controller = makeController(time, { store });
    const { guard } = await leasedGuard(time);
    controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
    controller.connect(agentId(1), guard);
    await expect(controller.heartbeat(guard.heartbeat())).rejects.toMatchObject({ code: 'ERR_OV_CONFIG_INVALID' });
    controller.startLeases({ ttl: 30, policy: POLICY });
    await until(() => guard.state(SAMPLE_CTL).lease_exp !== undefined, 'the first lease');

    const beat = guard.heartbeat();
    const { claims, lease: answer } = await controller.heartbeat(beat);
    expect((await store.records('heartbeat', { agent: agentId(1) })).map((r) => r.bytes)).toEqual([beat]);
    await until(async () => (await store.records('lease')).length === 2, 'the answering lease');
    expect(leaseOf((await store.records('lease')).at(-1)!.bytes).pred).toEqual([claims.jti]);
    expect((await store.records('lease')).at(-1)!.bytes).toEqual(answer);

    const forged = heartbeat.sign(claims, agentKey(9));
    await expect(controller.heartbeat(forged)).rejects.toMatchObject({ code: 'ERR_COSE_BAD_SIGNATURE' });
    const elsewhere = heartbeat.sign(
      { ...claims, jti: 'hb-other', ctl: 'spiffe://example.org/other-ctl' },
      agentKey(1),
    );
    await expect(controller.heartbeat(elsewhere)).rejects.toMatchObject({ code: 'ERR_OV_OUT_OF_SCOPE' });
    expect(await store.records('heartbeat')).toHaveLength(1);
    await controller.close();
  });

  it('over loopback HTTP: a real guard’s lease is renewed, then lapses into its safe state once the controller stops', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const errors: unknown[] = [];
    const controller = makeController(time, { store, onError: (e) => errors.push(e) });
    const { guard } = await leasedGuard(time);
    const http = await serve(overrideEndpoint(guard));
    try {
      controller.registerAgent({
        id: agentId(1),
        key: publicKeyOf(agentKey(1)),
        endpoint: `${http.origin}${OVERRIDE_PATH}`,
      });
      controller.startLeases({ ttl: 6, safeState: 'pause', policy: POLICY });
      await until(() => guard.state(SAMPLE_CTL).lease_exp === NOW + 6, 'the first lease over HTTP');
      for (let s = 1; s <= 6; s++) {
        await time.advance(2000);
        await until(() => guard.state(SAMPLE_CTL).lease_exp === NOW + 2 * s + 6, `lease ${s + 1} over HTTP`);
      }
      // 12 s in: without the renewals the first lease would have lapsed at 6 + 2 s.
      expect(guard.state(SAMPLE_CTL).lease_exp).toBe(NOW + 18);
      expect(errors).toEqual([]);

      await controller.close();
      await time.advance(6000); // the last lease (iat NOW + 12) runs to exp + lapse skew = NOW + 20
      expect(guard.mode()).not.toBe('paused');
      await time.advance(2000);
      expect(guard.mode()).toBe('paused');
      const beat = heartbeat.parse(heartbeat.fromCbor(decodeCbor(decodeSign1(guard.heartbeat()).payload!) as never));
      expect(beat.lapsed_at).toBe(NOW + 20);
      expect(await store.records('lease')).toHaveLength(7);
    } finally {
      await http.close();
      await guard.close();
    }
  });
});

describe('POST C/heartbeats: a pull-only agent renews its lease over loopback HTTP', () => {
  it('answers 200 with a lease naming the heartbeat, which the agent’s guard takes', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const controller = makeController(time, { store });
    const { guard } = await leasedGuard(time);
    controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
    const http = await serve(controlPlaneHandler(controller, { path: '/ctl' }));
    const post = (body: Uint8Array, type = 'application/cose') =>
      fetch(`${http.origin}/ctl/heartbeats`, { method: 'POST', body, headers: { 'content-type': type } });
    try {
      // Before leases are granted, a heartbeat has no answer.
      expect((await post(guard.heartbeat())).status).toBe(400);
      controller.startLeases({ ttl: 30, safeState: 'pause', policy: POLICY });
      const beat = guard.heartbeat();
      const response = await post(beat);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/cose');
      const answer = new Uint8Array(await response.arrayBuffer());
      const verified = lease.verify(answer, { key: ctlPublic, clock: time.clock });
      expect(verified.ok && verified.claims.pred).toEqual([
        heartbeat.parse(heartbeat.fromCbor(decodeCbor(decodeSign1(beat).payload!) as never)).jti,
      ]);
      await guard.acceptLease(answer);
      expect(guard.state(SAMPLE_CTL).lease_exp).toBe(NOW + 30);
      expect((await post(beat, 'text/plain')).status).toBe(415);
      expect((await post(new Uint8Array([1, 2, 3]))).status).toBe(400);
    } finally {
      await http.close();
      await controller.close();
    }
  });
});

describe('delivery claims renewed while their instance works them (spec §10)', () => {
  it('a second instance cannot take a long wait over; it takes it once the first instance is gone', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const first = makeController(time, { store, instance: 'ctl-1' });
    const second = makeController(time, { store, instance: 'ctl-2' });
    for (const c of [first, second]) {
      c.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
    }
    // An advisory stop to a pull-only agent: nothing is resent, and the wait lasts until the 300 s deadline.
    const issued = await first.issue(
      emergencyStop({ level: 'advisory', category: 1, iss: 'mailto:sam@example.org', role: 'supervisor' }),
      { key: SAMPLE_KEYS.supervisor },
    );
    for (let s = 0; s < 12; s++) {
      await time.advance(5000);
      expect(await second.resume()).toBe(0);
    }
    await first.close();
    await time.advance(15_000);
    expect(await second.resume()).toBe(1);
    expect((await store.deliveries(issued.jti))[0]).toMatchObject({ state: 'pending' });
    await second.close();
  });
});

import { decodeCbor, decodeSign1, publicKeyOf } from '@safety-net/core';
import { afterEach, describe, expect, it } from 'vitest';
import { controlPlaneHandler } from '../../src/controller/handler.js';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import { acknowledgement, overrideSignal, pullSignals } from '../../src/index.js';
import { SAMPLE_KEYS } from '../../src/testing.js';
import { openGuard } from '../guard/world.js';
import { agentId, agentKey, emergencyStop, ManualTime, makeController, NOW, serve, servedAgent } from './world.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Releases every waiter once `count` have arrived; past `ms` of real time it gives up and lets them through. */
function barrier(count: number, ms: number) {
  let arrived = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    async pass(): Promise<undefined> {
      arrived++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (arrived === count) open();
      await Promise.race([opened, new Promise((r) => setTimeout(r, ms))]);
      inFlight--;
      return undefined;
    },
    maxInFlight: () => maxInFlight,
  };
}

describe('OverrideController fan-out over loopback HTTP (spec §7.1, §7.5)', () => {
  it('pushes one signed signal to 10 agents at once and collects 10 verified acknowledgements', async () => {
    const gate = barrier(10, 3000);
    const agents = await Promise.all(Array.from({ length: 10 }, (_, i) => servedAgent(i, () => gate.pass())));
    closers.push(...agents.map((a) => a.close));
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const controller = makeController(time, { store });
    for (const [i, a] of agents.entries())
      controller.registerAgent({ id: a.id, key: publicKeyOf(agentKey(i)), endpoint: a.endpoint, domains: ['ward-3'] });

    const issued = await controller.issue(emergencyStop());
    expect(issued.agents).toHaveLength(10);
    const deliveries = await controller.acknowledged(issued.jti);
    // Every request was held until all ten had arrived: they were in flight together, not one after another.
    expect(gate.maxInFlight()).toBe(10);
    expect(deliveries.map((d) => [d.state, d.attempts])).toEqual(Array(10).fill(['final', 1]));
    for (const a of agents) {
      expect(a.guard.mode()).toBe('stopped');
      expect(a.requests()).toBe(1);
    }
    // One signature served every recipient; each acknowledgement is the agent's, verified and stored.
    const claims = overrideSignal.verify(issued.bytes, {
      key: publicKeyOf(SAMPLE_KEYS.safetyOfficer),
      clock: time.clock,
    });
    expect(claims.ok && [claims.claims.epoch, claims.claims.seq]).toEqual([1, 1]);
    const acks = await store.acks(issued.jti);
    expect(new Set(acks.map((a) => a.agent))).toEqual(new Set(agents.map((a) => a.id)));
    for (const a of acks) {
      const i = agents.findIndex((x) => x.id === a.agent);
      expect(acknowledgement.verify(a.bytes, { key: publicKeyOf(agentKey(i)), clock: time.clock }).ok).toBe(true);
      expect(a.status).toBe('complied');
    }
    await controller.close();
  }, 60_000);

  it('delivers in process through connect, with the same bytes and verification', async () => {
    const time = new ManualTime(NOW * 1000);
    const controller = makeController(time);
    const { guard } = await openGuard({ agent: agentId(1), key: agentKey(1), domains: ['ward-3'] });
    controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
    controller.connect(agentId(1), guard);
    const issued = await controller.issue(emergencyStop());
    const [delivery] = await controller.acknowledged(issued.jti);
    expect(delivery).toMatchObject({ agent: agentId(1), state: 'final', attempts: 1 });
    expect(guard.mode()).toBe('stopped');
    await controller.close();
  });

  it('takes acknowledgements by POST C/acks; a replayed one is answered 204 and changes nothing', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const controller = makeController(time, { store });
    // A pull-only agent: no endpoint, so its acknowledgement comes to the control plane's handler.
    controller.registerAgent({ id: agentId(2), key: publicKeyOf(agentKey(2)), domains: ['ward-3'] });
    const { guard } = await openGuard({ agent: agentId(2), key: agentKey(2), domains: ['ward-3'] });
    const issued = await controller.issue(emergencyStop());
    const [entry] = await store.outboxAfter(agentId(2), 0, 10);
    expect(entry).toEqual({ position: 1, name: 'ov-signal', bytes: issued.bytes });
    const { ack } = await guard.receive(entry!.bytes);

    const http = await serve(controlPlaneHandler(controller, { path: '/ctl' }));
    closers.push(http.close);
    const post = (body: Uint8Array, type = 'application/cose') =>
      fetch(`${http.origin}/ctl/acks`, { method: 'POST', body, headers: { 'content-type': type } });
    expect((await post(ack)).status).toBe(204);
    expect((await controller.acknowledged(issued.jti))[0]).toMatchObject({ state: 'final' });
    const replay = await post(ack);
    expect(replay.status).toBe(204);
    expect(await store.acks(issued.jti)).toHaveLength(1);
    expect((await store.deliveries(issued.jti))[0]).toMatchObject({ state: 'final', attempts: 0 });
    // Bad input is a 4xx with a code, never a 5xx.
    const forged = acknowledgement.sign(
      acknowledgement.parse(acknowledgement.fromCbor(decodeCbor(decodeSign1(ack).payload!))),
      agentKey(3),
    );
    expect(await (await post(forged)).json()).toEqual({ code: 'ERR_COSE_BAD_SIGNATURE' });
    expect((await post(new Uint8Array([1, 2, 3]))).status).toBe(400);
    expect((await post(ack, 'application/json')).status).toBe(415);
    expect((await fetch(`${http.origin}/ctl/elsewhere`, { method: 'POST' })).status).toBe(404);
    await controller.close();
  });

  it('serves a pull-only agent from its outbox: the stop streams to it and its acknowledgement settles the delivery', async () => {
    const time = new ManualTime(NOW * 1000);
    const controller = makeController(time);
    controller.registerAgent({ id: agentId(4), key: publicKeyOf(agentKey(4)), domains: ['ward-3'] });
    const { guard } = await openGuard({ agent: agentId(4), key: agentKey(4), domains: ['ward-3'] });
    const http = await serve(
      controlPlaneHandler(controller, {
        path: '/ctl',
        pull: { authorize: (request, agent) => request.headers.get('authorization') === `Bearer ${agent}` },
      }),
    );
    closers.push(http.close);
    const events = `${http.origin}/ctl/agents/${encodeURIComponent(agentId(4))}/events`;
    expect((await fetch(events, { headers: { accept: 'text/event-stream' } })).status).toBe(403);

    const stop = new AbortController();
    const pulling = pullSignals({
      url: events,
      acks: `${http.origin}/ctl/acks`,
      guard,
      signal: stop.signal,
      fetch: (input, init) => {
        const request = new Request(input, init);
        request.headers.set('authorization', `Bearer ${agentId(4)}`);
        return fetch(request);
      },
    });
    const issued = await controller.issue(emergencyStop());
    const [delivery] = await controller.acknowledged(issued.jti);
    stop.abort();
    expect(await pulling).toBe(1);
    expect(delivery).toMatchObject({ agent: agentId(4), state: 'final' });
    expect(guard.mode()).toBe('stopped');
    await controller.close();
  });

  it('takes a pre-signed signal over a payload it prepared, and refuses bad claims without using an order', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const controller = makeController(time, { store, signer: undefined });
    const { guard } = await openGuard({ agent: agentId(1), key: agentKey(1), domains: ['ward-3'] });
    controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
    controller.connect(agentId(1), guard);
    // Without a signer it cannot sign claims; with one, claims that break the schema are refused before any order.
    await expect(controller.issue(emergencyStop())).rejects.toMatchObject({ code: 'ERR_OV_CONFIG_INVALID' });
    const pause = emergencyStop({ action: { name: 'pause', params: {} }, category: undefined });
    await expect(controller.issue(pause, { key: SAMPLE_KEYS.safetyOfficer })).rejects.toMatchObject({
      code: 'ERR_CLAIMS_INVALID',
    });
    const payload = await controller.prepare(emergencyStop());
    expect([payload.ctl, payload.epoch, payload.seq]).toEqual(['spiffe://example.org/override-ctl', 1, 1]);
    const bytes = overrideSignal.sign(payload, SAMPLE_KEYS.safetyOfficer);
    const issued = await controller.issue(bytes);
    expect(issued).toMatchObject({ jti: payload.jti, order: [1, 1], bytes, agents: [agentId(1)] });
    expect((await controller.acknowledged(issued.jti))[0]).toMatchObject({ state: 'final' });
    expect(guard.mode()).toBe('stopped');
    // The same order again, or another control plane's signal, is refused.
    const again = overrideSignal.sign({ ...payload, jti: 'ov-sig-other' }, SAMPLE_KEYS.safetyOfficer);
    await expect(controller.issue(again)).rejects.toMatchObject({ code: 'ERR_OV_CONFLICT' });
    const foreign = overrideSignal.sign(
      { ...payload, jti: 'ov-sig-3', ctl: 'spiffe://example.org/other' },
      SAMPLE_KEYS.safetyOfficer,
    );
    await expect(controller.issue(foreign)).rejects.toMatchObject({ code: 'ERR_OV_CONFLICT' });
    await controller.close();
  });
});

import { publicKeyOf, type SafetyNetError, toBase64Url } from '@safety-net/core';
import { afterEach, describe, expect, it } from 'vitest';
import { controlPlaneHandler } from '../../src/controller/handler.js';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import { pullSignals } from '../../src/delivery/index.js';
import { SAMPLE_CTL } from '../../src/testing.js';
import {
  agentId,
  agentKey,
  emergencyStop,
  leasedGuard,
  ManualTime,
  makeController,
  NOW,
  serve,
  until,
} from '../controller/world.js';

const POLICY = { pid: 'ward-3', ver: 4 };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A controller granting 6 s leases to pull-only agent 1, served on loopback with its pull endpoint. */
async function pullWorld() {
  const time = new ManualTime(NOW * 1000);
  const store = new MemoryControllerStore();
  const controller = makeController(time, { store });
  const { guard } = await leasedGuard(time);
  await controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
  const http = await serve(controlPlaneHandler(controller, { path: '/ctl', pull: { authorize: () => true } }));
  closers.push(async () => {
    await controller.close();
    await http.close();
    await guard.close();
  });
  const base = `${http.origin}/ctl`;
  const leases = async () => (await store.records('lease', { agent: agentId(1) })).map((r) => r.bytes);
  return {
    time,
    store,
    controller,
    guard,
    base,
    leases,
    events: `${base}/agents/${encodeURIComponent(agentId(1))}/events`,
  };
}

/** Pulls for the guard until stopped; collects the positions processed and the errors reported. */
function startPulling(
  world: Awaited<ReturnType<typeof pullWorld>>,
  options: Partial<Parameters<typeof pullSignals>[0]> = {},
) {
  const stop = new AbortController();
  const positions: number[] = [];
  const errors: SafetyNetError[] = [];
  const done = pullSignals({
    url: world.events,
    acks: `${world.base}/acks`,
    guard: world.guard,
    signal: stop.signal,
    wait: 1,
    onError: (e) => errors.push(e),
    onPosition: (p) => positions.push(p),
    ...options,
  });
  const end = () => {
    stop.abort();
    return done;
  };
  return { positions, errors, stop: end };
}

describe.each(['sse', 'long-poll'] as const)(
  'leases as ov-lease events pulled over %s (spec §7.2, §7.3, §9)',
  (transport) => {
    it('hands each lease to the guard in outbox order with signals, and resumes after the last position', async () => {
      const world = await pullWorld();
      const { time, store, controller, guard } = world;
      expect(guard.mode()).toBe('safe_state'); // no lease yet
      controller.startLeases({ ttl: 6, safeState: 'pause', policy: POLICY });
      const pulling = startPulling(world, { transport });
      await until(() => guard.state(SAMPLE_CTL).lease_exp === NOW + 6, 'the first lease, pulled');
      expect(guard.mode()).toBe('running');
      // 12 s: without the pulled renewals the first lease would have lapsed at 6 + 2 s.
      for (let s = 1; s <= 6; s++) {
        await time.advance(2000);
        await until(() => guard.state(SAMPLE_CTL).lease_exp === NOW + 2 * s + 6, `lease ${s + 1}, pulled`);
      }
      expect(guard.mode()).toBe('running');

      // A signal between two leases comes in its place in the outbox; its acknowledgement reaches the controller.
      const issued = await controller.issue(emergencyStop({ iat: NOW + 12 }));
      await time.advance(2000);
      await until(() => guard.state(SAMPLE_CTL).lease_exp === NOW + 20, 'the lease after the signal');
      expect((await controller.acknowledged(issued.jti))[0]).toMatchObject({ state: 'final' });
      expect(guard.mode()).toBe('stopped');
      const outbox = await store.outboxAfter(agentId(1), 0, 100);
      // Superseded leases leave the outbox: the signal, then the newest lease.
      expect(outbox.map((e) => [e.position, e.name])).toEqual([
        [8, 'ov-signal'],
        [9, 'ov-lease'],
      ]);
      expect(outbox[1]!.bytes).toEqual((await world.leases()).at(-1));
      await until(() => pulling.positions.at(-1) === 9, 'position 9 processed');
      expect(pulling.positions).toEqual([...new Set(pulling.positions)].sort((a, b) => a - b));
      expect(pulling.positions).toContain(8);
      expect(await pulling.stop()).toBe(9);
      expect(pulling.errors).toEqual([]);

      // Disconnected, two more leases are granted; resuming after 9 brings only the newest, at once.
      await time.advance(4000);
      const resumed = startPulling(world, { transport, after: 9 });
      await until(() => guard.state(SAMPLE_CTL).lease_exp === NOW + 24, 'the newest lease, after resuming');
      expect(await resumed.stop()).toBe(11);
      expect(resumed.positions).toEqual([11]);
      expect(resumed.errors).toEqual([]);
    });
  },
);

describe('the ov-lease event on the wire (spec §7.2)', () => {
  it('is `id: <position>`, `event: ov-lease`, `data: <the lease’s COSE bytes, unpadded base64url>`', async () => {
    const world = await pullWorld();
    world.controller.startLeases({ ttl: 6, policy: POLICY });
    await until(async () => (await world.leases()).length === 1, 'the first lease');
    const response = await fetch(world.events, { headers: { accept: 'text/event-stream' } });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: ov-lease')) text += decoder.decode((await reader.read()).value, { stream: true });
    while (!text.endsWith('\n\n')) text += decoder.decode((await reader.read()).value, { stream: true });
    await reader.cancel();
    const [bytes] = await world.leases();
    expect(text).toBe(`retry: 1000\n\nid: 1\nevent: ov-lease\ndata: ${toBase64Url(bytes!)}\n\n`);
  });
});

import { publicKeyOf, type SafetyNetError } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { controlPlaneHandler } from '../../src/controller/handler.js';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import { pullSignals } from '../../src/delivery/index.js';
import { claimsOf } from '../../src/guard/decode.js';
import { heartbeat, lease } from '../../src/index.js';
import { SAMPLE_CTL } from '../../src/testing.js';
import { agentId, agentKey, leasedGuard, ManualTime, makeController, NOW, serve, until } from '../controller/world.js';
import { openGuard } from '../guard/world.js';

const POLICY = { pid: 'ward-3', ver: 4 };

/** Agent 1 pulling from the control plane at `base`, posting its heartbeats there, failures into `errors`. */
function pullWithHeartbeats(
  base: string,
  guard: Parameters<typeof pullSignals>[0]['guard'],
  signal: AbortSignal,
  time: ManualTime,
  errors: SafetyNetError[],
) {
  return pullSignals({
    url: `${base}/agents/${encodeURIComponent(agentId(1))}/events`,
    acks: `${base}/acks`,
    heartbeats: `${base}/heartbeats`,
    guard,
    signal,
    timers: time.timers,
    onError: (e) => errors.push(e),
  });
}
describe('heartbeats from the pull client (spec §4.5, §9)', () => {
  it('keeps a pulling guard’s lease, lapses when the controller goes, and reports the lapse to the one that comes back', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const errors: SafetyNetError[] = [];
    const first = makeController(time, { store, onError: (e) => errors.push(e as SafetyNetError) });
    const { guard } = await leasedGuard(time);
    await first.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
    const handler = (c: typeof first) => controlPlaneHandler(c, { path: '/ctl', pull: { authorize: () => true } });
    let http = await serve(handler(first));
    const base = `${http.origin}/ctl`;
    const port = Number(new URL(http.origin).port);
    const heartbeats = async () =>
      (await store.records('heartbeat', { agent: agentId(1) })).map((r) => claimsOf(heartbeat, r.bytes));

    first.startLeases({ ttl: 6, safeState: 'pause', policy: POLICY });
    const stop = new AbortController();
    const pulling = pullWithHeartbeats(base, guard, stop.signal, time, errors);
    try {
      // The first heartbeat goes at once; its answer names it.
      await until(async () => (await heartbeats()).length === 1, 'the first heartbeat');
      const [beat] = await heartbeats();
      expect(beat).toMatchObject({ iss: agentId(1), aud: SAMPLE_CTL, ctl: SAMPLE_CTL });
      await until(() => guard.state(SAMPLE_CTL).lease_exp === NOW + 6, 'the first lease');
      // Eight renewals, one heartbeat every ttl / 3 = 2 s on the injected timers; each names the lease it renews.
      for (let n = 1; n <= 8; n++) {
        // The controller's renewal and the client's next heartbeat, both due in 2 s.
        await until(() => time.pendingDelays().filter((d) => d === 2000).length === 2, `renewal ${n} scheduled`);
        await time.advance(2000);
        await until(async () => (await heartbeats()).length === n + 1, `heartbeat ${n + 1}`);
        await until(() => guard.state(SAMPLE_CTL).lease_exp === NOW + 2 * n + 6, `lease ${n + 1} taken`);
      }
      expect(guard.mode()).toBe('running');
      const recorded = await heartbeats();
      const leases = (await store.records('lease', { agent: agentId(1) })).map((r) => claimsOf(lease, r.bytes));
      // Every heartbeat but the first renews a lease the controller granted, and none reports a lapse.
      const granted = new Set(leases.map((l) => l.jti));
      expect(recorded.slice(1).every((h) => h.pred.length === 1 && granted.has(h.pred[0]!))).toBe(true);
      expect(recorded.some((h) => h.lapsed_at !== undefined)).toBe(false);
      // Each heartbeat was answered with a lease naming it.
      for (const h of recorded) expect(leases.some((l) => l.pred[0] === h.jti)).toBe(true);
      expect(errors).toEqual([]);

      // The controller goes: the newest lease (iat NOW + 16) lapses at exp + skew = NOW + 24 into `pause`.
      await first.close();
      await http.close();
      await time.advance(7999);
      expect(guard.mode()).toBe('running');
      await time.advance(1);
      expect(guard.mode()).toBe('paused');
      await until(() => errors.length > 0, 'the failed heartbeats reported');
      expect(errors.every((e) => e.code === 'ERR_OV_DELIVERY_FAILED')).toBe(true);
      const failedAt = errors.length;

      // A controller comes back on the same store and port; it knows the agent without a new registration.
      const second = makeController(time, { store, instance: 'ctl-2' });
      await second.resume();
      second.startLeases({ ttl: 6, safeState: 'pause', policy: POLICY });
      http = await serve(handler(second), port);
      // Retries back off to at most the 2 s interval: within it a heartbeat reaches the new controller.
      const reported = async () => (await heartbeats()).some((h) => h.lapsed_at !== undefined);
      for (let waited = 0; waited < 2000 && !(await reported()); waited += 250) {
        await time.advance(250);
        await new Promise((r) => setTimeout(r, 30));
      }
      await until(reported, 'the heartbeat that reports the lapse');
      const report = (await heartbeats()).find((h) => h.lapsed_at !== undefined)!;
      expect(report.lapsed_at).toBe(NOW + 24);
      // A lease issued after the lapse lifts the pause; once one answers a reporting heartbeat, it is reported no more.
      await until(() => guard.mode() === 'running', 'the pause lifted by a new lease');
      const count = (await heartbeats()).length;
      for (let waited = 0; waited < 2000 && (await heartbeats()).length === count; waited += 250) {
        await time.advance(250);
        await new Promise((r) => setTimeout(r, 30));
      }
      await until(async () => (await heartbeats()).length > count, 'the next heartbeat');
      expect((await heartbeats()).at(-1)!.lapsed_at).toBeUndefined();
      expect(errors.slice(failedAt).every((e) => e.code === 'ERR_OV_DELIVERY_FAILED')).toBe(true);
      await second.close();
    } finally {
      stop.abort();
      await pulling;
      await http.close();
      await guard.close();
    }
  });

  it('refuses heartbeats without a dead-man’s switch, and reports a refused heartbeat without stopping', async () => {
    const time = new ManualTime(NOW * 1000);
    const { guard: plain } = await openGuard();
    const options = { url: 'http://127.0.0.1:9/e', acks: 'http://127.0.0.1:9/acks', signal: AbortSignal.abort() };
    const pullOnly = {
      receive: plain.receive.bind(plain),
      acceptPolicy: plain.acceptPolicy.bind(plain),
      acceptRevocation: plain.acceptRevocation.bind(plain),
    };
    await expect(pullSignals({ ...options, heartbeats: 'http://127.0.0.1:9/hb', guard: pullOnly })).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_OV_CONFIG_INVALID' }),
    );
    // A controller that does not know the agent answers 400 ERR_KEY_NOT_FOUND: reported, and retried.
    const controller = makeController(time);
    controller.startLeases({ ttl: 6, policy: POLICY });
    const http = await serve(controlPlaneHandler(controller, { path: '/ctl', pull: { authorize: () => true } }));
    const { guard } = await leasedGuard(time);
    const errors: SafetyNetError[] = [];
    const stop = new AbortController();
    const base = `${http.origin}/ctl`;
    const pulling = pullWithHeartbeats(base, guard, stop.signal, time, errors);
    try {
      await until(() => errors.length === 1, 'the first refusal');
      expect(errors[0]).toMatchObject({ code: 'ERR_OV_DELIVERY_FAILED' });
      expect(errors[0]!.message).toContain('400 (ERR_KEY_NOT_FOUND)');
      // Back-off: 1 s, then 2 s (the interval caps it).
      await time.advance(999);
      expect(errors).toHaveLength(1);
      await time.advance(1);
      await until(() => errors.length === 2, 'the first retry');
      await time.advance(1999);
      expect(errors).toHaveLength(2);
      // Registered now: the next retry gets a lease.
      await controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
      await time.advance(1);
      await until(() => guard.state(SAMPLE_CTL).lease_exp !== undefined, 'a lease after the retry');
      expect(errors).toHaveLength(2);
    } finally {
      stop.abort();
      await pulling;
      await controller.close();
      await http.close();
      await guard.close();
    }
  });
});

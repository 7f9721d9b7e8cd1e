import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesEqual, type SafetyNetError } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { startScript } from '../../../../test-support/child-process.js';
import { OverrideController } from '../../src/controller/controller.js';
import { controlPlaneHandler } from '../../src/controller/handler.js';
import { pullSignals } from '../../src/delivery/index.js';
import { claimsOf } from '../../src/guard/decode.js';
import { heartbeat, lease } from '../../src/index.js';
import { SqliteControllerStore } from '../../src/sqlite.js';
import { SAMPLE_CTL, SAMPLE_KEYS } from '../../src/testing.js';
import { openGuard } from '../guard/world.js';
import { agentId, agentKey, ctlPublic, NOW, serve, until } from './world.js';

const script = fileURLToPath(new URL('./controller-process.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ov-ctl-lease-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TTL = 5;
const LAPSE_SKEW = 2;

describe('a control plane granting leases killed (SIGKILL) and restarted on its SQLite file (spec §9, §10)', () => {
  it('its pulling agent lapses within ttl + skew, and the restarted one leases again and hears of the lapse', async () => {
    const file = join(dir, 'ctl.db');
    const offset = Date.now() - NOW * 1000;
    const clock = { now: () => Date.now() - offset };
    const child = startScript(script, ['leases', file, String(offset)]);
    const [origin, signalJti] = (await child.firstOutput).split(' ') as [string, string];
    const { guard } = await openGuard({
      agent: agentId(1),
      key: agentKey(1),
      clock,
      timers: { set: (ms, run) => setTimeout(run, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) },
      lease: { ctl: SAMPLE_CTL, key: ctlPublic, lapseSkew: LAPSE_SKEW },
    });
    // Every lease the agent takes, as it came over the wire: what the controller must still hold after the kill.
    const received: Uint8Array[] = [];
    const target = {
      receive: guard.receive.bind(guard),
      acceptPolicy: guard.acceptPolicy.bind(guard),
      acceptRevocation: guard.acceptRevocation.bind(guard),
      heartbeat: guard.heartbeat.bind(guard),
      acceptLease: async (bytes: Uint8Array) => {
        received.push(bytes);
        await guard.acceptLease(bytes);
      },
    };
    const errors: SafetyNetError[] = [];
    const stop = new AbortController();
    const events = `${origin}/agents/${encodeURIComponent(agentId(1))}/events`;
    const pulling = pullSignals({
      url: events,
      acks: `${origin}/acks`,
      heartbeats: `${origin}/heartbeats`,
      guard: target,
      signal: stop.signal,
      onError: (e) => errors.push(e),
    });
    let restarted:
      | { controller: OverrideController; store: SqliteControllerStore; close: () => Promise<void> }
      | undefined;
    try {
      // Renewed over three renewal periods (ttl / 3) by leases on the stream and answers to heartbeats.
      await until(() => guard.mode() === 'running', 'the first lease');
      const firstExp = guard.state(SAMPLE_CTL).lease_exp!;
      await until(() => guard.state(SAMPLE_CTL).lease_exp! >= firstExp + 3, 'three renewals', 15_000);
      expect(errors).toEqual([]);

      const killedAt = Date.now();
      expect(await child.kill()).toBe('SIGKILL');
      const before = [...received];
      const heldExp = guard.state(SAMPLE_CTL).lease_exp!;
      // (a) The agent is in its safe state (`pause`) no later than ttl + skew after the kill.
      await until(() => guard.mode() === 'paused', 'the lapse', 15_000);
      const lapsedAfter = Date.now() - killedAt;
      expect(lapsedAfter).toBeLessThanOrEqual((TTL + LAPSE_SKEW) * 1000 + 50);
      expect(guard.mode()).toBe('paused');

      // (c) Nothing the killed controller recorded is lost: the signal and its outbox entry, every lease it sent,
      // every heartbeat those leases answered.
      const store = new SqliteControllerStore(file);
      expect((await store.signal(signalJti))?.agents).toEqual([agentId(2)]);
      expect(await store.deliveries(signalJti)).toMatchObject([{ agent: agentId(2), state: 'pending' }]);
      const stored = (await store.records('lease', { agent: agentId(1) })).map((r) => r.bytes);
      for (const bytes of before) expect(stored.some((s) => bytesEqual(s, bytes))).toBe(true);
      const storedBeats = new Set((await store.records('heartbeat', { agent: agentId(1) })).map((r) => r.jti));
      const answered = before.flatMap((b) => claimsOf(lease, b).pred);
      expect(answered.length).toBeGreaterThan(0);
      for (const jti of answered) expect(storedBeats.has(jti)).toBe(true);
      const leasesOf2 = (await store.records('lease', { agent: agentId(2) })).length;
      expect(leasesOf2).toBeGreaterThan(0);

      // (b) A controller restarted on the same file knows both agents without registering them again, and leases.
      const controller = new OverrideController({
        ctl: SAMPLE_CTL,
        key: SAMPLE_KEYS.ctl,
        store,
        clock,
        instance: 'after',
      });
      expect(await controller.resume()).toBe(1); // the stop of agent 2, still pending
      controller.startLeases({ ttl: TTL, safeState: 'pause', policy: { pid: 'ward-3', ver: 4 } });
      const http = await serve(
        controlPlaneHandler(controller, { pull: { authorize: () => true } }),
        Number(new URL(origin).port),
      );
      restarted = { controller, store, close: http.close };
      await until(
        async () => (await store.records('lease', { agent: agentId(2) })).length > leasesOf2,
        'agent 2 leased',
      );
      // A heartbeat reports the lapse and the controller records it; a lease it issued after the lapse (on the
      // stream or answering a heartbeat, whichever comes first) lifts the pause.
      await until(
        async () =>
          (await store.records('heartbeat', { agent: agentId(1) })).some(
            (r) => claimsOf(heartbeat, r.bytes).lapsed_at !== undefined,
          ),
        'the lapse reported',
        15_000,
      );
      const report = (await store.records('heartbeat', { agent: agentId(1) }))
        .map((r) => claimsOf(heartbeat, r.bytes))
        .find((h) => h.lapsed_at !== undefined)!;
      expect(report.lapsed_at).toBe(heldExp + LAPSE_SKEW);
      await until(() => guard.mode() === 'running', 'a lease of the restarted controller', 15_000);
      expect(guard.state(SAMPLE_CTL).lease_exp!).toBeGreaterThan(heldExp);
      const failures = errors.filter((e) => e.code !== 'ERR_OV_DELIVERY_FAILED');
      expect(failures).toEqual([]);
    } finally {
      stop.abort();
      await pulling;
      if (child.child.exitCode === null && child.child.signalCode === null) await child.kill();
      if (restarted) {
        await restarted.controller.close();
        await restarted.close();
        await restarted.store.close();
      }
      await guard.close();
    }
  }, 90_000);
});

import { publicKeyOf } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import { openGuard } from '../guard/world.js';
import { agentId, agentKey, emergencyStop, ManualTime, makeController, NOW } from './world.js';

describe('controller.prune: retention on the injected clock (spec §10)', () => {
  it('keeps a settled signal until it expired more than the skew ago, then drops its outbox entries and acks', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const controller = makeController(time, { store });
    const { guard } = await openGuard({
      agent: agentId(1),
      key: agentKey(1),
      domains: ['ward-3'],
      clock: time.clock,
    });
    controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
    controller.connect(agentId(1), guard);
    // Emergency defaults: deadline iat + 5 s, exp iat + 300 s; evidence at deadline + 30 s.
    const first = await controller.issue(emergencyStop());
    await controller.acknowledged(first.jti);
    // Without a view of the agent's work, no_ect_after_halt is unknown, and so the verdict.
    await time.advance(36_000);
    expect((await controller.settled(first.jti))[0]).toMatchObject({ verdict: 'unknown' });
    const second = await controller.issue(emergencyStop({ iat: NOW + 36 }));
    await controller.acknowledged(second.jti);

    // Settled but not expired: a replay could still be accepted, so everything stays.
    const [ack] = await store.acks(first.jti);
    expect(await controller.acknowledge(ack!.bytes)).toMatchObject({ duplicate: true });
    expect(await controller.prune()).toEqual({ deliveries: 0, acks: 0 });
    await time.advance((300 + 30 - 36) * 1000);
    expect(await controller.prune()).toEqual({ deliveries: 0, acks: 0 });
    await time.advance(1000);
    // Past exp + skew: the first signal's entry and ack go; the second is unsettled and the agent's newest entry.
    expect(await controller.prune()).toEqual({ deliveries: 1, acks: 1 });
    expect(await store.outboxAfter(agentId(1), 0, 10)).toEqual([
      { position: 2, name: 'ov-signal', bytes: second.bytes },
    ]);
    expect(await store.acks(first.jti)).toEqual([]);
    // The pruned signal's ack sent again is refused, not recorded as new.
    await expect(controller.acknowledge(ack!.bytes)).rejects.toMatchObject({ code: 'ERR_OV_STALE' });
    expect(await store.acks(first.jti)).toEqual([]);
    // The evidence is a signed record: it stays, and settled still answers from it.
    expect((await controller.settled(first.jti))[0]).toMatchObject({ verdict: 'unknown' });
    expect(await store.acks(second.jti)).toHaveLength(1);
    await controller.close();
  });
});

import { EctDag, publicKeyOf } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import { SAMPLE_CTL } from '../../src/testing.js';
import { openGuard } from '../guard/world.js';
import { agentId, agentKey, ctlPublic, emergencyStop, ManualTime, makeController, NOW, until } from './world.js';

describe('the control plane’s records in its ECT DAG (spec §10)', () => {
  it('inserts the signal, the acknowledgement, the evidence, leases and heartbeats as nodes after they are stored', async () => {
    const time = new ManualTime(NOW * 1000);
    const dag = new EctDag();
    const errors: unknown[] = [];
    const store = new MemoryControllerStore();
    const controller = makeController(time, { store, dag, onError: (e) => errors.push(e) });
    const { guard } = await openGuard({
      agent: agentId(1),
      key: agentKey(1),
      domains: ['ward-3'],
      clock: time.clock,
      timers: time.timers,
      lease: { ctl: SAMPLE_CTL, key: ctlPublic, monotonic: () => time.clock.now() },
    });
    controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
    controller.connect(agentId(1), guard);
    controller.startLeases({ ttl: 30, policy: { pid: 'ward-3', ver: 4 } });
    await until(() => guard.state(SAMPLE_CTL).lease_exp !== undefined, 'the first lease');
    const { claims: beat } = await controller.heartbeat(guard.heartbeat());

    const issued = await controller.issue(emergencyStop());
    expect(dag.get(issued.jti)).toMatchObject({ exec_act: 'ov.signal', iss: 'mailto:olu@example.org', pred: [] });
    await controller.acknowledged(issued.jti);
    const [ack] = await store.acks(issued.jti);
    expect(dag.get(ack!.jti)).toMatchObject({ exec_act: 'ov.ack', iss: agentId(1), pred: [issued.jti] });
    await time.advance(36_000);
    await controller.settled(issued.jti);
    const [evidence] = await store.records('evidence', { signal: issued.jti });
    expect(dag.get(evidence!.jti)).toMatchObject({ exec_act: 'ov.evidence', iss: SAMPLE_CTL });
    expect(dag.predecessors(evidence!.jti)).toEqual([issued.jti, ack!.jti]);

    // Leases and the heartbeat: every lease granted after it (the answer, then the renewals) names it.
    const leases = await store.records('lease');
    for (const l of leases) expect(dag.get(l.jti)?.exec_act).toBe('ov.lease');
    expect(dag.get(beat.jti)?.exec_act).toBe('ov.heartbeat');
    expect(leases.length).toBeGreaterThan(2);
    expect(dag.successors(beat.jti)).toEqual(leases.slice(1).map((l) => l.jti));
    expect(errors).toEqual([]);
    await controller.close();
  });

  it('a node the DAG refuses is reported, and the signal is still issued and delivered', async () => {
    const time = new ManualTime(NOW * 1000);
    const dag = new EctDag();
    const errors: { code?: string }[] = [];
    const controller = makeController(time, { dag, onError: (e) => errors.push(e as { code?: string }) });
    const { guard } = await openGuard({ agent: agentId(1), key: agentKey(1), domains: ['ward-3'], clock: time.clock });
    controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
    controller.connect(agentId(1), guard);
    // Its pred names work this DAG never saw.
    const issued = await controller.issue(emergencyStop({ pred: ['task-unseen'] }));
    expect((await controller.acknowledged(issued.jti))[0]).toMatchObject({ state: 'final' });
    expect(guard.mode()).toBe('stopped');
    expect(dag.has(issued.jti)).toBe(false);
    expect(errors.map((e) => e.code)).toEqual(['ERR_ECT_PREDECESSOR_MISSING', 'ERR_ECT_PREDECESSOR_MISSING']);
    await controller.close();
  });
});

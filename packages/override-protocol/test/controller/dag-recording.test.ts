import { bet, issueBet } from '@safety-net/behavioral-verification';
import { circuitAnnouncement, rollbackComplete, rollbackRequest } from '@safety-net/cascade-prevention';
import { decodeCbor, decodeSign1, EctDag, fixedClock, publicKeyOf, seededRandom, toBase64Url } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import { complianceEvidence, escalationRecord, handoff, overrideSignal } from '../../src/index.js';
import { SAMPLE_CTL, SAMPLE_KEYS, sampleKey } from '../../src/testing.js';
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

const claimsOf = <T extends object>(type: { parse(c: unknown): T; fromCbor(v: never): unknown }, bytes: Uint8Array) =>
  type.parse(type.fromCbor(decodeCbor(decodeSign1(bytes).payload!) as never));

describe('records of other packages in the control plane’s ECT DAG (spec §10)', () => {
  it('inserts submitted BETs, Hand-offs and rollback records, and escalation’s breaker announcements, with their pred', async () => {
    const time = new ManualTime(NOW * 1000);
    const dag = new EctDag();
    const errors: unknown[] = [];
    const verifier = sampleKey('bv-verifier', 'P-256');
    const coordinator = sampleKey('cp-coordinator', 'P-256');
    const announced: Uint8Array[] = [];
    const controller = makeController(time, {
      dag,
      onError: (e) => errors.push(e),
      signer: SAMPLE_KEYS.supervisor,
      verifiers: { bets: publicKeyOf(verifier), rollbacks: publicKeyOf(coordinator) },
      escalation: { notify: () => {}, announce: (_peer, bytes) => void announced.push(bytes) },
    });
    const agent = agentId(1);
    controller.registerAgent({
      id: agent,
      key: publicKeyOf(agentKey(1)),
      tasks: ['task-dispense-4'],
      peers: [agentId(2), agentId(3)],
    });
    const issue = (name: string, params: Record<string, unknown>, scope: { kind: string; target: string }) =>
      controller.issue({
        iss: 'mailto:sam@example.org',
        role: 'supervisor',
        level: 'mandatory',
        action: { name, params } as never,
        scope: { ...scope, propagate: false } as never,
        reason: 'test',
        wid: 'wf-dispense-17',
        pred: [],
        iat: NOW,
        policy: { pid: 'ward-3', ver: 4 },
      });
    const takeover = await issue(
      'takeover',
      { to: 'mailto:kim@example.org', task: 'task-dispense-4' },
      {
        kind: 'task',
        target: 'task-dispense-4',
      },
    );
    const rollback = await issue(
      'rollback',
      { root_cause: 't-1', scope: 'descendants', known_good: ['t-0'] },
      {
        kind: 'agent',
        target: agent,
      },
    );

    // A BET about the agent, naming the takeover it was asked after.
    const betBytes = issueBet({
      verifierKey: verifier,
      verifier: 'spiffe://example.org/bv-verifier',
      agent,
      profile: toBase64Url(new Uint8Array(32)),
      observations: [],
      violations: [],
      verdict: 'compliant',
      window: { from: NOW, to: NOW + 5 },
      wid: 'wf-dispense-17',
      pred: [takeover.jti],
      clock: fixedClock((NOW + 5) * 1000),
      random: seededRandom('bet'),
    }).bytes;
    const t = claimsOf(overrideSignal, takeover.bytes);
    const handoffBytes = handoff.sign(
      {
        iss: agent,
        iat: NOW + 2,
        jti: 'handoff-1',
        wid: t.wid,
        pred: [t.jti],
        signal: t.jti,
        act_digest: t.act_digest,
        task: 'task-dispense-4',
        to: 'mailto:kim@example.org',
        state: toBase64Url(new Uint8Array(32)),
      },
      agentKey(1),
    );
    const coordinated = { iss: 'spiffe://example.org/cp-coordinator', wid: 'wf-dispense-17', rollback: 'rb-17' };
    const request = rollbackRequest.sign(
      {
        ...coordinated,
        iat: NOW + 1,
        jti: 'rq-17',
        pred: [rollback.jti],
        root_cause: 't-1',
        scope: 'descendants',
        known_good: ['t-0'],
        reason: 'forced by the control plane',
        deadline: NOW + 60,
      },
      coordinator,
    );
    const complete = rollbackComplete.sign(
      {
        ...coordinated,
        iat: NOW + 30,
        jti: 'rc-17',
        pred: ['rq-17'],
        status: 'completed',
        compensated: ['t-2'],
        not_reversible: [],
        failed: [],
      },
      coordinator,
    );
    for (const record of [betBytes, handoffBytes, request, complete]) await controller.submit(record);
    const betJti = claimsOf(bet, betBytes).jti;
    expect(dag.get(betJti)).toMatchObject({ exec_act: 'bv.bet.issue', pred: [takeover.jti] });
    expect(dag.get('handoff-1')).toMatchObject({ exec_act: 'ov.handoff', iss: agent, pred: [takeover.jti] });
    expect(dag.get('rq-17')).toMatchObject({ exec_act: 'cp.rollback-request', pred: [rollback.jti] });
    expect(dag.get('rc-17')).toMatchObject({ exec_act: 'cp.rollback-complete', pred: ['rq-17'] });

    // No acknowledgement came: at the deadline the evidence is non_compliant and escalation opens the peers' breakers.
    await time.advance(91_000);
    const [outcome] = await controller.settled(rollback.jti);
    const rollbackAnnouncements = announced
      .map((bytes) => claimsOf(circuitAnnouncement, bytes))
      .filter((a) => a.seq === rollback.order[1]);
    expect(rollbackAnnouncements.map((a) => a.aud)).toEqual([agentId(2), agentId(3)]);
    const evidence = claimsOf(complianceEvidence, outcome!.evidence).jti;
    for (const a of rollbackAnnouncements) {
      expect(dag.get(a.jti)).toMatchObject({ exec_act: 'cp.circuit', iss: SAMPLE_CTL, pred: [evidence] });
    }
    // The escalation record of breaker_open names them, so it now has every parent it names.
    const breaker = outcome!.escalations
      .map((bytes) => claimsOf(escalationRecord, bytes))
      .find((r) => r.step === 'breaker_open')!;
    expect(breaker.outcome).toBe('done');
    expect(dag.predecessors(breaker.jti)).toEqual([evidence, ...rollbackAnnouncements.map((a) => a.jti)]);
    expect(errors).toEqual([]);
    await controller.close();
  });
});

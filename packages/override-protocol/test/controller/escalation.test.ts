import { circuitAnnouncement } from '@safety-net/cascade-prevention';
import { decodeCbor, decodeSign1, EctDag, ect, publicKeyOf, singleKey } from '@safety-net/core';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptRevocation } from '../../src/authority/intake.js';
import { Revocations } from '../../src/authority/revocations.js';
import type { EscalationOptions } from '../../src/controller/escalation.js';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import { revokingResolver } from '../../src/controller/revoking-resolver.js';
import { acknowledgement, complianceEvidence, escalationRecord } from '../../src/index.js';
import { agentKey, ctlPublic, emergencyStop, ManualTime, makeController, NOW, servedAgent, until } from './world.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const claimsOf = <T extends object>(type: { parse(c: unknown): T; fromCbor(v: never): unknown }, bytes: Uint8Array) =>
  type.parse(type.fromCbor(decodeCbor(decodeSign1(bytes).payload!) as never));

/** Three agents of the ward; agent 2 answers every push with 503 (its store failed), so it never acknowledges. */
async function ward(escalation: EscalationOptions, extra: { work?: () => Iterable<never> } = {}) {
  const agents = await Promise.all(
    [0, 1, 2].map((i) =>
      servedAgent(i, async () =>
        i === 2 ? Response.json({ code: 'ERR_OV_STORE_FAILED' }, { status: 503 }) : undefined,
      ),
    ),
  );
  closers.push(...agents.map((a) => a.close));
  const time = new ManualTime(NOW * 1000);
  const store = new MemoryControllerStore();
  const controller = makeController(time, { store, escalation, ...extra });
  for (const [i, a] of agents.entries()) {
    controller.registerAgent({
      id: a.id,
      key: publicKeyOf(agentKey(i)),
      endpoint: a.endpoint,
      domains: ['ward-3'],
      peers: agents.filter((p) => p !== a).map((p) => p.id),
    });
  }
  return { agents, time, store, controller };
}

describe('retries, compliance evidence and escalation (spec §7.6, §7.7, §11)', () => {
  it('resends an Emergency signal every 250 ms, then escalates against the silent agent with signed records', async () => {
    const notices: string[] = [];
    const announced: [string, Uint8Array][] = [];
    const isolated: [string, Uint8Array][] = [];
    const peerRevocations = new Revocations();
    const { agents, time, store, controller } = await ward({
      notify: (n) => void notices.push(`${n.agent} ${n.recipients.join(',')}`),
      announce: (peer, bytes) => void announced.push([peer, bytes]),
      revoke: [
        (bytes) => {
          const r = acceptRevocation(bytes, { authority: ctlPublic, clock: time.clock });
          peerRevocations.add(r.kid, r.revoked_at);
        },
      ],
      isolate: (peer, bytes) => void isolated.push([peer, bytes]),
    });
    const silent = agents[2]!;
    const issued = await controller.issue(emergencyStop());
    const resendArmed = () => until(() => time.pendingDelays().includes(250), 'a resend timer of 250 ms');
    await until(() => silent.requests() === 1, 'the first push');
    await resendArmed();
    // Not before 250 ms: nothing is resent while the clock stands still.
    await time.advance(249);
    expect(silent.requests()).toBe(1);
    await time.advance(1);
    await until(() => silent.requests() === 2, 'the first resend');
    await resendArmed();
    await time.advance(250);
    await until(() => silent.requests() === 3, 'the second resend');
    expect(agents[0]!.requests()).toBe(1);

    // Past the deadline (iat + 5 s) plus the 30 s skew: evidence for all three, escalation for the silent one.
    await time.advance(35_000);
    const outcomes = await controller.settled(issued.jti);
    const byAgent = new Map(outcomes.map((o) => [o.agent, o]));
    const bad = byAgent.get(silent.id)!;
    expect(bad.verdict).toBe('non_compliant');
    const evidence = complianceEvidence.verify(bad.evidence, { key: ctlPublic, clock: time.clock });
    expect(evidence.ok).toBe(true);
    const evidenceClaims = claimsOf(complianceEvidence, bad.evidence);
    expect(evidenceClaims.checks).toContainEqual({
      kind: 'ack_in_time',
      result: 'fail',
      code: 'ERR_OV_DEADLINE_EXCEEDED',
    });
    expect(evidenceClaims.pred).toEqual([issued.jti]);
    // The compliant ones: acknowledged in time; no view of their work, so the halt check is unknown; no escalation.
    for (const good of [agents[0]!, agents[1]!]) {
      const o = byAgent.get(good.id)!;
      expect(o.verdict).toBe('unknown');
      expect(o.escalations).toEqual([]);
      expect(claimsOf(complianceEvidence, o.evidence).checks.map((c) => [c.kind, c.result])).toEqual([
        ['ack_in_time', 'pass'],
        ['no_ect_after_halt', 'unknown'],
      ]);
    }

    const records = bad.escalations.map((bytes) => {
      expect(escalationRecord.verify(bytes, { key: ctlPublic, clock: time.clock }).ok).toBe(true);
      return claimsOf(escalationRecord, bytes);
    });
    expect(records.map((r) => [r.step, r.outcome])).toEqual([
      ['notify', 'done'],
      ['breaker_open', 'done'],
      ['key_revoked', 'done'],
      ['domain_isolated', 'done'],
    ]);
    expect(records.every((r) => r.pred[0] === evidenceClaims.jti && r.agent === silent.id)).toBe(true);
    expect(notices).toEqual([`${silent.id} mailto:olu@example.org`]);
    // One forced_open announcement per peer, by the control plane, for the silent agent as the dependency.
    expect(announced.map(([peer]) => peer).sort()).toEqual([agents[0]!.id, agents[1]!.id].sort());
    for (const [peer, bytes] of announced) {
      const a = circuitAnnouncement.verify(bytes, { key: ctlPublic, clock: time.clock });
      expect(a.ok && [a.claims.aud, a.claims.dependency, a.claims.state, a.claims.reason.kind]).toEqual([
        peer,
        silent.id,
        'forced_open',
        'operator',
      ]);
    }
    expect(records[1]!.pred.slice(1).sort()).toEqual(
      announced.map(([, b]) => claimsOf(circuitAnnouncement, b).jti).sort(),
    );
    expect(records[3]).toMatchObject({ domain: 'ward-3', targets: [agents[0]!.id, agents[1]!.id] });
    expect(isolated.map(([, b]) => b)).toEqual([bad.escalations[3], bad.escalations[3]]);

    // The revocation reached the peer's resolver: the silent agent's work is refused from the deadline on, while
    // the acknowledgements a halted agent still signs verify (spec §8.3).
    const resolver = revokingResolver(singleKey(publicKeyOf(agentKey(2))), peerRevocations, time.clock);
    const work = {
      iss: silent.id,
      aud: agents[0]!.id,
      iat: Math.floor(time.clock.now() / 1000),
      exp: Math.floor(time.clock.now() / 1000) + 300,
      jti: 'task-after-revocation',
      wid: 'wf-ward-3',
      exec_act: 'pharmacy.dispense',
      pred: [],
    };
    const refused = ect.verify(ect.sign(work, agentKey(2)), { key: resolver, clock: time.clock });
    expect(refused.ok || refused.error.code).toBe('ERR_OV_KEY_REVOKED');
    const earlier = revokingResolver(singleKey(publicKeyOf(agentKey(2))), peerRevocations, { now: () => NOW * 1000 });
    const before = { ...work, iat: NOW, exp: NOW + 300 };
    expect(ect.verify(ect.sign(before, agentKey(2)), { key: earlier, clock: { now: () => NOW * 1000 } }).ok).toBe(true);
    const someAck = (await store.acks(issued.jti)).find((a) => a.agent === agents[0]!.id)!;
    const ackOfBad = acknowledgement.sign({ ...claimsOf(acknowledgement, someAck.bytes), iss: silent.id }, agentKey(2));
    expect(acknowledgement.verify(ackOfBad, { key: resolver, clock: time.clock }).ok).toBe(true);
    expect((await store.records('escalation', { agent: silent.id })).length).toBe(4);
    expect((await store.deliveries(issued.jti)).map((d) => d.state)).toEqual(['settled', 'settled', 'settled']);
    await controller.close();
    // Another instance over the same store answers from what was recorded.
    const later = makeController(time, { store, instance: 'ctl-2' });
    const sortByAgent = (o: { agent: string }[]) => [...o].sort((p, q) => p.agent.localeCompare(q.agent));
    expect(sortByAgent(await later.settled(issued.jti))).toEqual(sortByAgent(outcomes));
    expect((await later.acknowledged(issued.jti)).map((d) => d.state)).toEqual(['settled', 'settled', 'settled']);
    await expect(later.settled('ov-sig-unknown')).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
  }, 60_000);

  it('records a failing step as failed and still runs the next ones', async () => {
    const { agents, time, controller } = await ward({
      notify: () => {},
      announce: async () => {
        throw new Error('peer unreachable');
      },
      revoke: [() => {}],
      isolate: () => {},
    });
    const issued = await controller.issue(emergencyStop());
    await until(() => agents[2]!.requests() >= 1);
    await time.advance(35_000);
    const bad = (await controller.settled(issued.jti)).find((o) => o.agent === agents[2]!.id)!;
    const records = bad.escalations.map((b) => claimsOf(escalationRecord, b));
    expect(records.map((r) => [r.step, r.outcome, r.code])).toEqual([
      ['notify', 'done', undefined],
      ['breaker_open', 'failed', 'ERR_OV_ESCALATION_FAILED'],
      ['key_revoked', 'done', undefined],
      ['domain_isolated', 'done', undefined],
    ]);
    await controller.close();
  }, 60_000);

  it('fails no_ect_after_halt when the work view shows an ECT the agent issued after it said it halted', async () => {
    const dag = new EctDag();
    const late = {
      jti: 'late-work',
      wid: 'wf-dispense-17',
      iat: NOW + 40,
      iss: '',
      exec_act: 'pharmacy.dispense',
      pred: [],
    };
    const { agents, time, controller } = await ward({ notify: () => {} }, { work: () => dag as never });
    dag.insert({ ...late, iss: agents[0]!.id });
    dag.insert({ ...late, jti: 'ov-record', iss: agents[1]!.id, exec_act: 'ov.ack' });
    const issued = await controller.issue(emergencyStop({ level: 'mandatory', category: 1, deadline: NOW + 5 }));
    await until(() => agents[2]!.requests() >= 1);
    await time.advance(35_000);
    const outcomes = new Map((await controller.settled(issued.jti)).map((o) => [o.agent, o]));
    const halt = (id: string) =>
      claimsOf(complianceEvidence, outcomes.get(id)!.evidence).checks.find((c) => c.kind === 'no_ect_after_halt');
    expect(halt(agents[0]!.id)).toMatchObject({ result: 'fail', ref: 'late-work' });
    expect(outcomes.get(agents[0]!.id)!.verdict).toBe('non_compliant');
    // An ov.* record after the halt is not work.
    expect(halt(agents[1]!.id)).toEqual({ kind: 'no_ect_after_halt', result: 'pass' });
    expect(outcomes.get(agents[1]!.id)!.verdict).toBe('compliant');
    // Mandatory: notify and breaker_open by default; announce is not configured, so that step fails.
    expect(outcomes.get(agents[0]!.id)!.escalations.map((b) => claimsOf(escalationRecord, b).step)).toEqual([
      'notify',
      'breaker_open',
    ]);
    await controller.close();
  }, 60_000);
});

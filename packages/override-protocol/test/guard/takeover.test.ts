import { createHash } from 'node:crypto';
import { dagNodeOf, decodeCbor, decodeSign1, EctDag, ect, publicKeyOf } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { acknowledgement, checkHandoff, type HandoffClaims, handoff, overrideSignal } from '../../src/index.js';
import { SAMPLE_CTL, SAMPLE_KEYS, sampleHandoffClaims } from '../../src/testing.js';
import { codeOf, deferred, NOW, openGuard, SUPERVISOR, signal, signalClaims } from './world.js';

const decode = <T extends object>(type: { parse(c: unknown): T; fromCbor(m: never): unknown }, bytes: Uint8Array) =>
  type.parse(type.fromCbor(decodeCbor(decodeSign1(bytes).payload!) as never));
const TASK = 'task-dispense-4';
const takeoverParams = { action: { name: 'takeover' as const, params: { to: SUPERVISOR, task: TASK } } };
const scope = { kind: 'task' as const, target: TASK, propagate: false };
const snapshot = new TextEncoder().encode('{"step":3,"cart":["heparin"]}');

describe('takeover hand-off (spec §4.7)', () => {
  it('halts the task, hands its state to the named human, and refuses the agent’s own actions on it', async () => {
    const handoffs: Uint8Array[] = [];
    const { guard, acks } = await openGuard({
      handOff: (task) => ({ snapshot, ref: `https://dispenser.example/snapshots/${task}`, lastEct: 'task-dispense-3' }),
      onHandoff: (h) => handoffs.push(h),
    });
    const step = deferred<string>();
    const running = guard.run({ name: 'pharmacy.pick', task: TASK, workflow: 'wf-dispense-17' }, () => step.promise);
    const answer = await guard.receive(signal('tk-1', 1, 'takeover', { ...takeoverParams, scope }));
    expect(answer.claims.status).toBe('received');
    expect(handoffs).toEqual([]);
    expect([guard.mode(), guard.mode({ task: TASK })]).toEqual(['running', 'stopping']);
    step.resolve('picked');
    expect(await running).toBe('picked');

    // The step finished: the guard signed the Hand-off and then its final acknowledgement.
    expect(handoffs).toHaveLength(1);
    const verified = handoff.verify(handoffs[0]!, {
      key: publicKeyOf(SAMPLE_KEYS.agent),
      clock: { now: () => NOW * 1000 },
    });
    expect(verified.ok).toBe(true);
    const claims = decode(handoff, handoffs[0]!) as HandoffClaims;
    expect(claims).toMatchObject({
      signal: 'tk-1',
      task: TASK,
      to: SUPERVISOR,
      pred: ['tk-1', 'task-dispense-3'],
      state: createHash('sha256').update(snapshot).digest('base64url'),
      state_ref: `https://dispenser.example/snapshots/${TASK}`,
    });
    expect(guard.handoff(TASK)).toEqual(handoffs[0]);
    const final = decode(acknowledgement, acks.at(-1)!);
    expect(final).toMatchObject({ status: 'complied', signal: 'tk-1', pred: ['tk-1', claims.jti] });

    // A partial takeover (spec §8.1): the agent runs its other tasks; only the taken-over one is stopped.
    expect(guard.mode()).toBe('running');
    expect(guard.mode({ task: TASK })).toBe('stopped');
    expect(guard.mode({ task: 'task-other' })).toBe('running');
    expect(guard.state(SAMPLE_CTL).holds).toEqual(['tk-1']);
    expect(await codeOf(guard.run({ name: 'pharmacy.dispense', task: TASK }, async () => 1))).toBe('ERR_OV_TAKEN_OVER');
    expect(await guard.run({ name: 'pharmacy.dispense', task: 'task-other' }, async () => 'other task')).toBe(
      'other task',
    );

    // The human continues the chain: their next ECT names the Hand-off, and the DAG links it to the signal.
    const dag = new EctDag();
    const takeover = signalClaims('tk-1', 1, 'takeover', { ...takeoverParams, scope });
    dag.insert({ jti: 'task-dispense-3', wid: 'wf-dispense-17', iat: NOW - 5, pred: [], iss: 'agent', exec_act: 'x' });
    dag.insert(dagNodeOf(overrideSignal, takeover));
    dag.insert(dagNodeOf(handoff, claims));
    const next = ect.sign(
      {
        iss: SUPERVISOR,
        aud: 'spiffe://example.org/pharmacy',
        iat: NOW + 10,
        exp: NOW + 600,
        jti: 'task-dispense-5',
        wid: 'wf-dispense-17',
        exec_act: 'pharmacy.dispense',
        pred: [claims.jti],
      },
      SAMPLE_KEYS.supervisor,
    );
    const human = decode(ect, next);
    dag.insert(human);
    expect(dag.get('task-dispense-5')!.iss).toBe(SUPERVISOR);
    expect(dag.ancestors('task-dispense-5')).toEqual(expect.arrayContaining([claims.jti, 'tk-1', 'task-dispense-3']));
  });

  it('hands over at once when nothing of the task is running; restarts keep the task taken over', async () => {
    const handoffs: Uint8Array[] = [];
    const world = await openGuard({
      handOff: () => ({ snapshot }),
      onHandoff: (h) => handoffs.push(h),
      inScope: () => true,
    });
    await world.guard.receive(signal('tk-1', 1, 'takeover', { ...takeoverParams, scope }));
    expect(handoffs).toHaveLength(1);
    expect(decode(acknowledgement, world.acks.at(-1)!).status).toBe('complied');
    const again = await openGuard({
      store: world.store,
      handOff: () => ({ snapshot }),
      onHandoff: (h) => handoffs.push(h),
    });
    expect(handoffs).toHaveLength(1);
    expect(await codeOf(again.guard.run({ name: 'a', task: TASK }, async () => 1))).toBe('ERR_OV_TAKEN_OVER');
  });

  it('without a way to capture the state, the takeover cannot comply and the task stays taken over', async () => {
    const { guard, acks } = await openGuard({ inScope: () => true });
    await guard.receive(signal('tk-1', 1, 'takeover', { ...takeoverParams, scope }));
    expect(decode(acknowledgement, acks.at(-1)!)).toMatchObject({
      status: 'cannot_comply',
      code: 'ERR_OV_HANDOFF_INVALID',
    });
    expect(await codeOf(guard.run({ name: 'a', task: TASK }, async () => 1))).toBe('ERR_OV_TAKEN_OVER');
  });
});

describe('checkHandoff', () => {
  const takeover = signalClaims('ov-sig-0002', 2, 'takeover', {
    wid: 'wf-dispense-17',
    action: { name: 'takeover', params: { to: 'mailto:sam@example.org', task: 'task-dispense-4' } },
    scope: { kind: 'task', target: 'task-dispense-4', propagate: false },
  });

  it('accepts the hand-off its takeover names', () => {
    expect(() => checkHandoff({ ...sampleHandoffClaims, act_digest: takeover.act_digest }, takeover)).not.toThrow();
  });

  it('refuses a hand-off to someone else, for a task not taken over, or answering another signal (vector 41)', () => {
    const good = { ...sampleHandoffClaims, act_digest: takeover.act_digest };
    const codeOfCheck = (h: HandoffClaims, s = takeover) => {
      try {
        checkHandoff(h, s);
        return 'ok';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(codeOfCheck({ ...good, to: 'mailto:eve@example.org' })).toBe('ERR_OV_HANDOFF_INVALID');
    expect(codeOfCheck({ ...good, task: 'task-not-taken-over' })).toBe('ERR_OV_HANDOFF_INVALID');
    expect(codeOfCheck({ ...good, signal: 'ov-sig-other' })).toBe('ERR_OV_HANDOFF_INVALID');
    expect(codeOfCheck(good, signalClaims('ov-sig-0002', 2, 'stop'))).toBe('ERR_OV_HANDOFF_INVALID');
  });
});

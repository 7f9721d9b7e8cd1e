import { decodeCbor, decodeSign1, fromUtf8, signSign1, toBase64Url, utf8 } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { acknowledgement } from '../../src/index.js';
import { SAMPLE_KEYS, SAMPLE_PROFILE_COSE, sampleSignalClaims } from '../../src/testing.js';
import { codeOf, deferred, NOW, openGuard, signal } from './world.js';

const ackOf = (bytes: Uint8Array) =>
  acknowledgement.parse(acknowledgement.fromCbor(decodeCbor(decodeSign1(bytes).payload!)));
const emergencyStop = () =>
  signal('s-emergency', 10, 'stop', { ...sampleSignalClaims, seq: 10, jti: 's-emergency' }, SAMPLE_KEYS.safetyOfficer);

describe('a category 0 stop (spec §3.3, §8.2 step 7)', () => {
  it('aborts in-flight work synchronously, discards its result and refuses new work', async () => {
    const { guard } = await openGuard();
    const step = deferred<string>();
    let abortedBeforeAnswer = false;
    const running = guard.run({ name: 'pharmacy.dispense', task: 'task-dispense-4' }, (abort) => {
      abort.addEventListener('abort', () => (abortedBeforeAnswer = true));
      return step.promise;
    });
    const answering = guard.receive(emergencyStop());
    // Step 7 runs before the first await of receive: the abort has already happened.
    expect(abortedBeforeAnswer).toBe(true);
    const answer = await answering;
    step.resolve('dispensed anyway');
    expect(await codeOf(running)).toBe('ERR_OV_ABORTED');
    expect(answer.claims.status).toBe('complied');
    expect(answer.claims.halted_at).toBe(NOW);
    expect(answer.claims.in_flight).toEqual([
      { task: 'task-dispense-4', exec_act: 'pharmacy.dispense', outcome: 'aborted' },
    ]);
    expect(answer.claims.state).toMatchObject({ mode: 'stopped', holds: ['s-emergency'], order: [1, 10] });
    expect(await codeOf(guard.run({ name: 'pharmacy.dispense' }, async () => 1))).toBe('ERR_OV_STOPPED');
    expect(guard.mode()).toBe('stopped');
  });
});

describe('a category 1 stop', () => {
  it('lets the current step finish, reports received, then complied once halted', async () => {
    const { guard, acks } = await openGuard();
    const step = deferred<string>();
    const running = guard.run({ name: 'chart.write', task: 't1' }, () => step.promise);
    const answer = await guard.receive(signal('s1', 1, 'stop'));
    expect(answer.claims.status).toBe('received');
    expect(guard.mode()).toBe('stopping');
    expect(await codeOf(guard.run({ name: 'chart.write' }, async () => 1))).toBe('ERR_OV_STOPPED');
    step.resolve('written');
    expect(await running).toBe('written');
    expect(guard.mode()).toBe('stopped');
    expect(acks.map((a) => ackOf(a).status)).toEqual(['complied']);
    expect(ackOf(acks[0]!).halted_at).toBe(NOW);
  });

  it('aborts what is still running when the grace ends', async () => {
    const { guard, timers, acks } = await openGuard();
    const step = deferred<string>();
    const running = guard.run({ name: 'chart.write', task: 't1' }, () => step.promise);
    await guard.receive(signal('s1', 1, 'stop'));
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([60_000]);
    timers.fireAll();
    expect(await codeOf(running)).toBe('ERR_OV_ABORTED');
    expect(guard.mode()).toBe('stopped');
    expect(ackOf(acks[0]!).status).toBe('complied');
  });
});

describe('pause and resume', () => {
  it('refuses work while paused, lets running work finish, and resumes on a resume naming the pause', async () => {
    const { guard } = await openGuard();
    const step = deferred<number>();
    const running = guard.run({ name: 'a' }, () => step.promise);
    expect((await guard.receive(signal('p1', 1, 'pause'))).claims.status).toBe('complied');
    expect(await codeOf(guard.run({ name: 'b' }, async () => 1))).toBe('ERR_OV_PAUSED');
    step.resolve(7);
    expect(await running).toBe(7);
    const resumed = await guard.receive(signal('r1', 2, 'resume', { lifts: ['p1'] }));
    expect(resumed.claims.status).toBe('complied');
    expect(resumed.claims.state.mode).toBe('running');
    expect(await guard.run({ name: 'b' }, async () => 'ran')).toBe('ran');
  });
});

describe('order and lifts (spec §6)', () => {
  it('a resume naming a stop is a mismatch, and lifts nothing (§13 vector 23)', async () => {
    const { guard } = await openGuard();
    await guard.receive(signal('p', 1, 'pause'));
    await guard.receive(signal('s', 2, 'stop'));
    expect(await codeOf(guard.receive(signal('r', 3, 'resume', { lifts: ['p', 's'] })))).toBe('ERR_OV_LIFT_MISMATCH');
    expect(guard.mode()).toBe('stopped');
    expect(guard.state(sampleSignalClaims.ctl).holds).toEqual(['p', 's']);
  });

  it('a resume older than the pause it names is stale (vector 24)', async () => {
    const { guard } = await openGuard();
    await guard.receive(signal('p', 5, 'pause'));
    expect(await codeOf(guard.receive(signal('r', 4, 'resume', { lifts: ['p'] })))).toBe('ERR_OV_STALE');
    expect(guard.mode()).toBe('paused');
  });

  it('a resume that arrives before its older pause creates the pause already lifted (vector 25)', async () => {
    const { guard, acks } = await openGuard();
    const early = await guard.receive(signal('r', 6, 'resume', { lifts: ['p'] }));
    expect(early.claims.status).toBe('received');
    const pause = await guard.receive(signal('p', 5, 'pause'));
    expect(pause.claims.state.mode).toBe('running');
    expect(guard.mode()).toBe('running');
    expect(acks.map((a) => [ackOf(a).signal, ackOf(a).status])).toEqual([['r', 'complied']]);
  });

  it('a waiting resume does not lift a newer hold: it takes effect and the resume cannot comply', async () => {
    const { guard, acks } = await openGuard();
    await guard.receive(signal('r', 6, 'resume', { lifts: ['p'] }));
    await guard.receive(signal('p', 7, 'pause'));
    expect(guard.mode()).toBe('paused');
    expect(acks.map((a) => [ackOf(a).status, ackOf(a).code])).toEqual([['cannot_comply', 'ERR_OV_STALE']]);
  });

  it('answers a duplicate with the same acknowledgement bytes and one hold (vector 26)', async () => {
    const { guard } = await openGuard();
    const bytes = signal('s', 1, 'stop');
    const first = await guard.receive(bytes);
    const again = await guard.receive(bytes);
    expect(again.duplicate).toBe(true);
    expect(again.ack).toEqual(first.ack);
    expect(guard.state(sampleSignalClaims.ctl).holds).toEqual(['s']);
  });

  it('refuses a jti or an order reused with other content (vectors 27, 28)', async () => {
    const { guard } = await openGuard();
    await guard.receive(signal('s', 1, 'stop'));
    expect(await codeOf(guard.receive(signal('s', 1, 'stop', { reason: 'other' })))).toBe('ERR_OV_CONFLICT');
    expect(await codeOf(guard.receive(signal('t', 1, 'pause')))).toBe('ERR_OV_CONFLICT');
  });

  it('the constraint with the highest order is the one enforced (vector 29)', async () => {
    const checked: string[] = [];
    const { guard } = await openGuard({
      // Each test profile's payload names it; the check records which profile judged the action.
      constrain: (profile) => {
        const name = fromUtf8(decodeSign1(profile).payload!);
        return (_action, run) => {
          checked.push(name);
          return run();
        };
      },
    });
    const constrain = (jti: string, seq: number) => {
      const profile = toBase64Url(signSign1(utf8(jti), SAMPLE_KEYS.authority, { protectedHeader: {} }));
      return signal(jti, seq, 'constrain', { action: { name: 'constrain', params: { profile } } });
    };
    await guard.receive(constrain('c2', 9));
    await guard.receive(constrain('c1', 3));
    await guard.run({ name: 'a' }, async () => 1);
    expect(checked).toEqual(['c2']);
    expect(guard.mode()).toBe('constrained');
  });
});

describe('refusals of step 1–6 (spec §8.2)', () => {
  it('refuses an action digest that is not the action’s (vector 13)', async () => {
    const { guard } = await openGuard();
    const wrong = signal('s', 1, 'stop', { act_digest: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg' });
    expect(await codeOf(guard.receive(wrong))).toBe('ERR_OV_ACTION_DIGEST');
  });

  it('refuses a task-scoped stop at an agent that does not run the task (vector 30)', async () => {
    const { guard } = await openGuard();
    const scope = { kind: 'task' as const, target: 'task-elsewhere', propagate: false };
    expect(await codeOf(guard.receive(signal('s', 1, 'stop', { scope })))).toBe('ERR_OV_OUT_OF_SCOPE');
  });

  it('answers an unauthorised signal with a signed refused acknowledgement, recorded (vector 31)', async () => {
    const { guard } = await openGuard();
    const bytes = signal('s', 1, 'stop', { iss: 'mailto:ada@example.org', role: 'auditor' }, SAMPLE_KEYS.auditor);
    const answer = await guard.receive(bytes);
    expect(answer.claims).toMatchObject({ status: 'refused', code: 'ERR_OV_UNAUTHORIZED', signal: 's' });
    expect(guard.mode()).toBe('running');
    expect((await guard.receive(bytes)).ack).toEqual(answer.ack);
  });

  it('refuses a signal signed by a key outside the policy before anything else', async () => {
    const { guard } = await openGuard();
    expect(await codeOf(guard.receive(signal('s', 1, 'stop', {}, SAMPLE_KEYS.agent)))).toBe('ERR_KEY_NOT_FOUND');
    expect(await codeOf(guard.receive(new Uint8Array(64 * 1024 + 1)))).toBe('ERR_INPUT_TOO_LARGE');
  });
});

describe('scopes (spec §8.1)', () => {
  it('a workflow stop refuses that workflow’s actions only', async () => {
    const { guard } = await openGuard();
    await guard.run({ name: 'a', workflow: 'wf-1' }, async () => 1);
    const scope = { kind: 'workflow' as const, target: 'wf-1', propagate: false };
    const answer = await guard.receive(signal('s', 1, 'stop', { scope }));
    expect(answer.claims.state.mode).toBe('stopped');
    expect(await codeOf(guard.run({ name: 'a', workflow: 'wf-1' }, async () => 1))).toBe('ERR_OV_STOPPED');
    expect(await guard.run({ name: 'a', workflow: 'wf-2' }, async () => 'other workflow')).toBe('other workflow');
  });
});

describe('constraints and degradation (spec §8.6)', () => {
  it('pauses itself when it cannot enforce a constraint, and says so', async () => {
    const { guard } = await openGuard();
    const answer = await guard.receive(
      signal('c', 1, 'constrain', { action: { name: 'constrain', params: { profile: SAMPLE_PROFILE_COSE } } }),
    );
    expect(answer.claims).toMatchObject({ status: 'cannot_comply', code: 'ERR_OV_CONSTRAINT_INVALID' });
    expect(await codeOf(guard.run({ name: 'a' }, async () => 1))).toBe('ERR_OV_PAUSED');
  });

  it('refuses all work with ERR_OV_STORE_FAILED once its store fails, keeping the stop in force', async () => {
    let fail = false;
    const { guard } = await openGuard({
      store: {
        load: async () => ({ signals: [], holds: [], waiting: [], orders: [], revocations: [], approvals: [] }),
        commit: async () => {
          if (fail) throw new Error('disk full');
        },
        close: async () => {},
      },
    });
    fail = true;
    expect(await codeOf(guard.receive(signal('s', 1, 'stop')))).toBe('ERR_OV_STORE_FAILED');
    expect(await codeOf(guard.run({ name: 'a' }, async () => 1))).toBe('ERR_OV_STORE_FAILED');
    expect(await codeOf(guard.receive(signal('p', 2, 'pause')))).toBe('ERR_OV_STORE_FAILED');
  });
});

describe('restart', () => {
  it('a guard reopened over the same store is still stopped, and answers the duplicate as before', async () => {
    const first = await openGuard();
    const bytes = emergencyStop();
    const answer = await first.guard.receive(bytes);
    const second = await openGuard({ store: first.store });
    expect(second.guard.mode()).toBe('stopped');
    expect(await codeOf(second.guard.run({ name: 'a' }, async () => 1))).toBe('ERR_OV_STOPPED');
    expect((await second.guard.receive(bytes)).ack).toEqual(answer.ack);
  });
});

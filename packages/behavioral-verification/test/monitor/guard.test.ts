import { fixedClock, isSafetyNetError } from '@safety-net/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { codeOfAsync } from '../../../../test-support/codes.js';
import { compileProfile } from '../../src/monitor/compile.js';
import { type GuardOutcome, isActionRefused } from '../../src/monitor/guard.js';
import { Monitor } from '../../src/monitor/monitor.js';
import type { RulesInput } from '../../src/rules/schema.js';

const T0 = 1_772_323_200_000;
let n = 0;
const call = (name: string, args: Record<string, number | string | boolean> = {}) => ({
  name,
  arguments: args,
  jti: `call-${++n}`,
  wid: 'wf-1',
  iss: 'agent-1',
});

const RULES: RulesInput = {
  actions: {
    unlisted: 'deny',
    rules: [
      { id: 'tools', effect: 'allow', pattern: 'tool.*' },
      { id: 'no-delete', effect: 'deny', pattern: 'tool.delete' },
    ],
  },
  parameters: [{ id: 'amount-max', action: 'tool.pay', param: 'amount', check: 'range', max: '100' }],
  rates: [{ id: 'search-rate', action: 'tool.search', max: 2, window_ms: 1000 }],
  drift: { numeric: [{ id: 'slow', action: 'tool.fetch', source: 'latency_ms', mean: 10, sd: 1, h: 5 }] },
  escalation: { parameter_out_of_range: ['require_human_approval'] },
};

function setup() {
  const clock = fixedClock(T0);
  const outcomes: GuardOutcome[] = [];
  const monitor = new Monitor(compileProfile(RULES), { clock, onOutcome: (o) => outcomes.push(o) });
  return { clock, monitor, outcomes };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Monitor.guard', () => {
  it('runs an allowed call with a signal, returns its value and records its success and latency', async () => {
    const { clock, monitor, outcomes } = setup();
    const fn = vi.fn(async (signal: AbortSignal) => {
      expect(signal).toBeInstanceOf(AbortSignal);
      expect(signal.aborted).toBe(false);
      clock.advance(250);
      return { hits: 3 };
    });
    await expect(monitor.guard(call('tool.search', { q: 'x' }), fn)).resolves.toEqual({ hits: 3 });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(outcomes).toHaveLength(1);
    const { observation, verdict, drift } = outcomes[0]!;
    expect(observation).toMatchObject({
      exec_act: 'tool.search',
      params: { q: 'x' },
      wid: 'wf-1',
      iss: 'agent-1',
      pred: [],
      time_ms: T0,
      outcome: 'success',
      latency_ms: 250,
    });
    expect(verdict.decision).toBe('allow');
    expect(drift).toEqual([]);
  });

  it('refuses a blocked call without running it, with the verdict attached, and does not count it', async () => {
    const { monitor, outcomes } = setup();
    const fn = vi.fn(() => 'deleted');
    const refused = await monitor.guard(call('tool.delete'), fn).catch((e: unknown) => e);
    expect(isSafetyNetError(refused, 'ERR_BV_ACTION_BLOCKED')).toBe(true);
    expect(isActionRefused(refused)).toBe(true);
    if (!isActionRefused(refused)) return;
    expect(refused.verdict.decision).toBe('block');
    expect(refused.verdict.violations.map((v) => [v.rule, v.class])).toEqual([['no-delete', 'forbidden_action']]);
    expect(refused.message).toContain('no-delete (forbidden_action)');
    expect(fn).not.toHaveBeenCalled();
    expect(outcomes).toEqual([]);
    // An unlisted tool is blocked too.
    expect(await codeOfAsync(() => monitor.guard(call('shell.exec'), fn))).toBe('ERR_BV_ACTION_BLOCKED');
    expect(fn).not.toHaveBeenCalled();
  });

  it('counts only what ran: the rate rule refuses the third call in its window, the clock reopens it', async () => {
    const { clock, monitor } = setup();
    const fn = vi.fn(() => 'ok');
    await monitor.guard(call('tool.search'), fn);
    await monitor.guard(call('tool.search'), fn);
    const third = await monitor.guard(call('tool.search'), fn).catch((e: unknown) => e);
    expect(isActionRefused(third) && third.verdict.violations[0]?.class).toBe('rate_exceeded');
    expect(fn).toHaveBeenCalledTimes(2);
    clock.advance(999);
    expect(await codeOfAsync(() => monitor.guard(call('tool.search'), fn))).toBe('ERR_BV_ACTION_BLOCKED');
    clock.advance(1); // the first two calls, at T0, leave the window (T0 + 1000 − 1000, T0 + 1000]
    await expect(monitor.guard(call('tool.search'), fn)).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('holds a call whose violation asks for human approval, without running it', async () => {
    const { monitor } = setup();
    const fn = vi.fn(() => 'paid');
    const held = await monitor.guard(call('tool.pay', { amount: '100.01' }), fn).catch((e: unknown) => e);
    expect(isSafetyNetError(held, 'ERR_BV_APPROVAL_REQUIRED')).toBe(true);
    expect(isActionRefused(held) && held.verdict.decision).toBe('escalate');
    expect(isActionRefused(held) && held.verdict.responses).toEqual(['require_human_approval']);
    expect(fn).not.toHaveBeenCalled();
    await expect(monitor.guard(call('tool.pay', { amount: 100 }), fn)).resolves.toBe('paid');
  });

  it('records a call that throws as a failure with its latency, and rethrows its very error', async () => {
    const { clock, monitor, outcomes } = setup();
    const boom = new Error('upstream 503');
    const rejected = await monitor
      .guard(call('tool.search'), async () => {
        clock.advance(40);
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(rejected).toBe(boom);
    expect(outcomes.map((o) => [o.observation.outcome, o.observation.latency_ms])).toEqual([['failure', 40]]);
    // A synchronous throw is a failure too.
    await expect(
      monitor.guard(call('tool.search'), () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(outcomes[1]?.observation.outcome).toBe('failure');
  });

  it('a call that fails after its signal timed out ends as timeout; another abort reason is a failure', async () => {
    const { monitor, outcomes } = setup();
    const timeout = new AbortController();
    const failing = (controller: AbortController, reason: unknown) => (signal: AbortSignal) => {
      controller.abort(reason);
      throw signal.reason;
    };
    const reason = new DOMException('took too long', 'TimeoutError');
    await expect(monitor.guard(call('tool.fetch'), failing(timeout, reason), { signal: timeout.signal })).rejects.toBe(
      reason,
    );
    const cancel = new AbortController();
    await expect(
      monitor.guard(call('tool.fetch'), failing(cancel, new Error('user')), { signal: cancel.signal }),
    ).rejects.toThrow('user');
    expect(outcomes.map((o) => o.observation.outcome)).toEqual(['timeout', 'failure']);
  });

  it('an already aborted signal refuses the call with its reason, before judging or counting it', async () => {
    const { monitor, outcomes } = setup();
    const fn = vi.fn(() => 'ok');
    const reason = new Error('cancelled');
    await expect(monitor.guard(call('tool.search'), fn, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
    expect(outcomes).toEqual([]);
    // Not counted: the rate rule still allows two calls.
    await monitor.guard(call('tool.search'), fn);
    await expect(monitor.guard(call('tool.search'), fn)).resolves.toBe('ok');
  });

  it('reads time only from the injected clock, never from Date.now', async () => {
    const now = vi.spyOn(Date, 'now');
    const { clock, monitor, outcomes } = setup();
    clock.set(T0 + 5_000);
    await monitor.guard(call('tool.fetch'), () => {
      clock.advance(12);
      return 1;
    });
    expect(now).not.toHaveBeenCalled();
    expect(outcomes[0]?.observation.time_ms).toBe(T0 + 5_000);
    expect(outcomes[0]?.observation.latency_ms).toBe(12);
  });

  it('steps latency drift rules with the measured latency once the call has ended', async () => {
    const { clock, monitor, outcomes } = setup();
    await monitor.guard(call('tool.fetch'), () => {
      clock.advance(10);
      return 1;
    });
    expect(outcomes[0]?.drift).toEqual([]);
    await monitor.guard(call('tool.fetch'), () => {
      clock.advance(30); // 20 baseline sd above the mean: past h = 5 at once
      return 1;
    });
    expect(outcomes[1]?.drift.map((v) => [v.rule, v.class])).toEqual([['slow', 'drift']]);
    expect(outcomes[1]?.drift[0]?.observed).toMatchObject({ statistic: 'cusum_upper', samples: 2 });
  });

  it('the outcome listener gets a copy: changing it does not change what the monitor remembers', async () => {
    const monitor = new Monitor(
      compileProfile({
        actions: { unlisted: 'allow' },
        sequences: [{ id: 'checked', kind: 'requires', action: 'tool.exec', after: 'tool.check' }],
      }),
      { clock: fixedClock(T0), onOutcome: ({ observation }) => observation.pred.splice(0) },
    );
    const run = () => 1;
    await monitor.guard({ ...call('tool.check'), jti: 'c' }, run);
    await monitor.guard({ ...call('tool.step'), jti: 's', pred: ['c'] }, run);
    // The ancestor walk from s still reaches the check.
    await expect(monitor.guard({ ...call('tool.exec'), pred: ['s'] }, run)).resolves.toBe(1);
  });

  it('a call without predecessors gives the listener a list of its own: filling it changes no later call', async () => {
    const seen: string[][] = [];
    const monitor = new Monitor(compileProfile({ actions: { unlisted: 'allow' } }), {
      clock: fixedClock(T0),
      onOutcome: ({ observation }) => {
        seen.push([...observation.pred]);
        observation.pred.push('planted');
      },
    });
    await monitor.guard(call('tool.a'), () => 1);
    await monitor.guard(call('tool.b'), () => 1);
    expect(seen).toEqual([[], []]);
  });

  it('a clock that goes back gives a latency of 0, not a negative one', async () => {
    const { clock, monitor, outcomes } = setup();
    await monitor.guard(call('tool.search'), () => {
      clock.advance(-5);
      return 1;
    });
    expect(outcomes[0]?.observation.latency_ms).toBe(0);
  });

  it('refuses observe mode and a malformed call with typed errors, without running anything', async () => {
    const fn = vi.fn(() => 1);
    const observe = new Monitor(compileProfile(RULES), { mode: 'observe' });
    expect(await codeOfAsync(() => observe.guard(call('tool.search'), fn))).toBe('ERR_INPUT_INVALID');
    const { monitor } = setup();
    expect(await codeOfAsync(() => monitor.guard({ ...call('tool.search'), name: '' }, fn))).toBe(
      'ERR_BV_OBSERVATION_INVALID',
    );
    expect(await codeOfAsync(() => monitor.guard({ ...call('tool.search'), pred: ['unknown'] }, fn))).toBe(
      'ERR_ECT_PREDECESSOR_MISSING',
    );
    expect(fn).not.toHaveBeenCalled();
  });
});

import { fixedClock } from '@safety-net/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { codeOf, codeOfAsync } from '../../../../test-support/codes.js';
import { compileProfile } from '../../src/monitor/compile.js';
import { type ActionRefusedError, type GuardAction, isActionRefused } from '../../src/monitor/guard.js';
import { Monitor } from '../../src/monitor/monitor.js';
import type { ObservationInput, ObservationInputIn } from '../../src/monitor/observation-input.js';
import type { Verdict } from '../../src/monitor/verdict.js';
import type { RulesInput } from '../../src/rules/schema.js';

// Compile-time checks (run by the type check of the tests), each paired with the runtime check that still refuses
// the same shape from untyped callers.

const T0 = 1_772_323_200_000;
const monitor = new Monitor(compileProfile({ actions: { unlisted: 'allow' } }), { clock: fixedClock(T0) });
const good = { jti: 'j', wid: 'w', iss: 'a', exec_act: 'tool.x', pred: [], time_ms: T0 };

describe('monitor input types', () => {
  it('evaluate, record and compileProfile take the schemas’ input types', () => {
    expectTypeOf(monitor.evaluate).parameter(0).toEqualTypeOf<ObservationInputIn>();
    expectTypeOf(monitor.record).parameter(0).toEqualTypeOf<ObservationInputIn>();
    expectTypeOf(monitor.evaluate).returns.toEqualTypeOf<Verdict>();
    expectTypeOf(compileProfile).parameter(0).toEqualTypeOf<RulesInput>();
    // The output type (defaults filled in) is accepted as input, and read-only literals are too.
    expectTypeOf<ObservationInput>().toExtend<ObservationInputIn>();
    const frozen = { actions: { rules: [{ id: 'a', effect: 'allow', pattern: 'x' }] } } as const;
    expect(compileProfile(frozen).rules.actions.rules).toHaveLength(1);
    const readOnly = { ...good, jti: 'k', pred: [] as readonly string[], scopes: ['data:read'] as const };
    expect(monitor.evaluate(readOnly).decision).toBe('allow');
  });

  it('wrong observation shapes do not compile, and are refused at run time all the same', () => {
    // @ts-expect-error: a required member is missing
    expect(codeOf(() => monitor.evaluate({ jti: 'j', wid: 'w', iss: 'a', exec_act: 'x', pred: [] }))).toBe(
      'ERR_BV_OBSERVATION_INVALID',
    );
    // @ts-expect-error: time_ms is a number of milliseconds, not a date string
    expect(codeOf(() => monitor.evaluate({ ...good, time_ms: '2026-03-01' }))).toBe('ERR_BV_OBSERVATION_INVALID');
    // @ts-expect-error: a parameter is a number, string or boolean, not an object
    expect(codeOf(() => monitor.evaluate({ ...good, params: { amount: { value: 1 } } }))).toBe(
      'ERR_BV_OBSERVATION_INVALID',
    );
    // @ts-expect-error: outcome is one of success, failure, timeout
    expect(codeOf(() => monitor.evaluate({ ...good, outcome: 'ok' }))).toBe('ERR_BV_OBSERVATION_INVALID');
    // @ts-expect-error: pred is a list of task ids
    expect(codeOf(() => monitor.evaluate({ ...good, pred: 'parent' }))).toBe('ERR_BV_OBSERVATION_INVALID');
    // @ts-expect-error: no member outside the schema
    expect(codeOf(() => monitor.evaluate({ ...good, user: 'bob' }))).toBe('ERR_BV_OBSERVATION_INVALID');
  });

  it('wrong rule shapes do not compile, and are refused at run time all the same', () => {
    // @ts-expect-error: effect is allow or deny
    expect(codeOf(() => compileProfile({ actions: { rules: [{ id: 'a', effect: 'maybe', pattern: 'x' }] } }))).toBe(
      'ERR_BV_RULES_INVALID',
    );
    // @ts-expect-error: a rate's max is a number
    expect(codeOf(() => compileProfile({ rates: [{ id: 'r', action: 'x', max: '5', window_ms: 1000 }] }))).toBe(
      'ERR_BV_RULES_INVALID',
    );
    // @ts-expect-error: no rule kind outside the schema
    expect(codeOf(() => compileProfile({ quotas: [] }))).toBe('ERR_BV_RULES_INVALID');
  });

  it('guard takes a typed tool call and gives the call’s own result type', async () => {
    expectTypeOf(monitor.guard<number>)
      .parameter(0)
      .toEqualTypeOf<GuardAction>();
    const call = { name: 'tool.x', arguments: { n: 1 }, jti: 'g1', wid: 'w', iss: 'a' };
    const result = monitor.guard(call, async (signal) => {
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      return 42;
    });
    expectTypeOf(result).resolves.toBeNumber();
    expect(await result).toBe(42);
    // @ts-expect-error: arguments are parameter values, not lists
    expect(await codeOfAsync(() => monitor.guard({ ...call, jti: 'g2', arguments: { n: [1] } }, () => 1))).toBe(
      'ERR_BV_OBSERVATION_INVALID',
    );
    // @ts-expect-error: the tool's name is required
    expect(await codeOfAsync(() => monitor.guard({ jti: 'g3', wid: 'w', iss: 'a' }, () => 1))).toBe(
      'ERR_BV_OBSERVATION_INVALID',
    );
    // isActionRefused narrows to an error that carries the verdict.
    const e: unknown = new Error('not ours');
    if (isActionRefused(e)) expectTypeOf(e.verdict).toEqualTypeOf<Verdict>();
    expectTypeOf<ActionRefusedError['code']>().toEqualTypeOf<'ERR_BV_ACTION_BLOCKED' | 'ERR_BV_APPROVAL_REQUIRED'>();
    expect(isActionRefused(e)).toBe(false);
  });
});

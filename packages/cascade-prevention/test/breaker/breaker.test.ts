import { fixedClock, isSafetyNetError } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/breaker/breaker.js';
import type { BreakerOptions } from '../../src/breaker/options.js';
import type { Transition } from '../../src/breaker/state.js';

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

function setup(extra: Partial<BreakerOptions> = {}) {
  const clock = fixedClock(T0);
  const breaker = new CircuitBreaker({
    id: 'pool-breaker',
    dependency: 'spiffe://example.org/pool',
    domain: 'inference',
    window: { kind: 'count', size: 4 },
    minimumCalls: 4,
    openDurationMs: 10_000,
    backoff: { jitter: 0 },
    halfOpenSuccesses: 2,
    clock,
    ...extra,
  });
  const transitions: Transition[] = [];
  breaker.onTransition((t) => transitions.push(t));
  return { clock, breaker, transitions };
}

const ok = () => Promise.resolve('ok');
const fail = () => Promise.reject(new Error('down'));

/** Settles a promise into a comparable value: the value, or the error code / message. */
async function outcome<T>(p: Promise<T>): Promise<T | string> {
  try {
    return await p;
  } catch (e) {
    return isSafetyNetError(e) ? e.code : (e as Error).message;
  }
}

async function tripOpen(breaker: CircuitBreaker): Promise<void> {
  for (let i = 0; i < 4; i++) await outcome(breaker.execute(fail));
  expect(breaker.state).toBe('open');
}

describe('circuit breaker: options', () => {
  const base = { id: 'b', dependency: 'd' };
  const bad: Record<string, unknown>[] = [
    {},
    { id: '', dependency: 'd' },
    { id: 'x'.repeat(257), dependency: 'd' },
    { ...base, domain: 7 },
    { ...base, window: { kind: 'count', size: 0 } },
    { ...base, window: { kind: 'count', size: 1_000_001 } },
    { ...base, window: { kind: 'count', size: 2.5 } },
    { ...base, window: { kind: 'sliding', size: 5 } },
    { ...base, window: { kind: 'time', seconds: 0 } },
    { ...base, window: { kind: 'time', seconds: 86_401 } },
    { ...base, window: { kind: 'time', seconds: 1, buckets: 1_001 } },
    { ...base, window: 'count' },
    { ...base, failureRateThreshold: 0 },
    { ...base, failureRateThreshold: 1.01 },
    { ...base, failureRateThreshold: Number.NaN },
    { ...base, slowCallRateThreshold: 0.5 },
    { ...base, slowCallDurationMs: 0 },
    { ...base, slowCallDurationMs: Number.POSITIVE_INFINITY },
    { ...base, minimumCalls: 0 },
    { ...base, window: { kind: 'count', size: 10 }, minimumCalls: 11 },
    { ...base, openDurationMs: -1 },
    { ...base, openDurationMs: 2 ** 31 + 1 },
    { ...base, backoff: { multiplier: 0.5 } },
    { ...base, backoff: { jitter: 1.5 } },
    { ...base, openDurationMs: 1000, backoff: { maxMs: 999 } },
    { ...base, backoff: { resetMs: -5 } },
    { ...base, backoff: [] },
    { ...base, halfOpenSuccesses: 0 },
    { ...base, halfOpenMaxConcurrent: 10_001 },
    { ...base, isFailure: 'yes' },
    { ...base, clock: { now: 5 } },
    { ...base, clock: { now: () => Number.NaN } },
    { ...base, clock: { now: () => '0' } },
    { ...base, random: 0.5 },
  ];

  it.each(bad.map((o, i) => [i, o]))('refuses bad option set %i with ERR_CP_CONFIG_INVALID', (_, options) => {
    expect(() => new CircuitBreaker(options as unknown as BreakerOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }),
    );
  });

  it('answers arbitrary option objects with a breaker or ERR_CP_CONFIG_INVALID only (fast-check)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (window, threshold, extra) => {
        try {
          new CircuitBreaker({
            id: 'b',
            dependency: 'd',
            window,
            failureRateThreshold: threshold,
            minimumCalls: extra,
          } as BreakerOptions);
        } catch (e) {
          expect(isSafetyNetError(e, 'ERR_CP_CONFIG_INVALID')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('accepts the bounds', () => {
    expect(new CircuitBreaker({ ...base, window: { kind: 'count', size: 1_000_000 } }).state).toBe('closed');
    expect(new CircuitBreaker({ ...base, window: { kind: 'time', seconds: 86_400, buckets: 3_600 } }).state).toBe(
      'closed',
    );
  });

  it('rejects a non-function call or bad call options with ERR_CP_CONFIG_INVALID', async () => {
    const { breaker } = setup();
    expect(await outcome(breaker.execute(42 as unknown as () => Promise<number>))).toBe('ERR_CP_CONFIG_INVALID');
    expect(await outcome(breaker.execute(ok, { fallback: 1 as unknown as () => string }))).toBe(
      'ERR_CP_CONFIG_INVALID',
    );
    expect(await outcome(breaker.execute(ok, { signal: {} as AbortSignal }))).toBe('ERR_CP_CONFIG_INVALID');
    expect(() => breaker.trip('bored' as 'evidence')).toThrow(
      expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }),
    );
    expect(() => breaker.forceOpen('x', Number.NaN)).toThrow(
      expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }),
    );
    expect(() => breaker.onTransition(null as unknown as () => void)).toThrow(
      expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }),
    );
  });
});

describe('circuit breaker: calls', () => {
  it('opens on the failure rate with every field an announcement needs', async () => {
    const { clock, breaker, transitions } = setup();
    expect(await outcome(breaker.execute(ok))).toBe('ok');
    clock.advance(1_500);
    for (let i = 0; i < 2; i++) expect(await outcome(breaker.execute(fail))).toBe('down');
    expect(breaker.state).toBe('closed'); // 3 calls < minimumCalls
    expect(await outcome(breaker.execute(fail))).toBe('down');
    expect(transitions).toEqual([
      {
        breaker: 'pool-breaker',
        dependency: 'spiffe://example.org/pool',
        domain: 'inference',
        from: 'closed',
        to: 'open',
        reason: { kind: 'failure_rate', rate: 0.75, threshold: 0.5, window: 4, calls: 4 },
        at: T0 + 1_500,
        since: T0 / 1000 + 1,
        seq: T0 + 1_500,
        retryAfter: Math.ceil((T0 + 11_500) / 1000),
        retryAfterMs: T0 + 11_500,
      },
    ]);
    expect(await outcome(breaker.execute(ok))).toBe('ERR_CP_CIRCUIT_OPEN');
    expect(breaker.snapshot()).toMatchObject({ state: 'open', trips: 1, retryAfterMs: T0 + 11_500, seq: T0 + 1_500 });
  });

  it('opens on the slow-call rate when failures stay below their threshold', async () => {
    const { clock, breaker, transitions } = setup({ slowCallDurationMs: 100, slowCallRateThreshold: 0.5 });
    const slow = () => {
      clock.advance(150);
      return Promise.resolve('slow');
    };
    await breaker.execute(ok);
    await breaker.execute(ok);
    await breaker.execute(slow);
    expect(breaker.state).toBe('closed');
    await breaker.execute(slow);
    expect(transitions[0]?.reason).toEqual({ kind: 'slow_call_rate', rate: 0.5, threshold: 0.5, window: 4, calls: 4 });
  });

  it('counts a synchronous throw as a failure and passes the error on', async () => {
    const { breaker } = setup({ minimumCalls: 1, window: { kind: 'count', size: 1 } });
    const thrown = new TypeError('sync');
    await expect(
      breaker.execute(() => {
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    expect(breaker.state).toBe('open');
  });

  it('counts a rejection that isFailure declines as a success; a throwing predicate as a failure', async () => {
    const { breaker } = setup({ isFailure: (e) => (e as Error).message !== 'not found' });
    for (let i = 0; i < 4; i++) await outcome(breaker.execute(() => Promise.reject(new Error('not found'))));
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 4, failures: 0 });
    const throwing = setup({
      isFailure: () => {
        throw new Error('bug');
      },
    });
    for (let i = 0; i < 4; i++) await outcome(throwing.breaker.execute(fail));
    expect(throwing.breaker.state).toBe('open');
  });

  it('drops outcomes of calls that settle while the breaker is not closed', async () => {
    const { breaker } = setup();
    let release!: () => void;
    const late = breaker.execute(() => new Promise<string>((r) => (release = () => r('late'))), {});
    await tripOpen(breaker);
    expect(breaker.snapshot()).toMatchObject({ calls: 4, failures: 4 });
    release();
    expect(await late).toBe('late');
    expect(breaker.snapshot()).toMatchObject({ state: 'open', calls: 4, failures: 4 });
  });

  it('admits at most halfOpenMaxConcurrent probes and ignores probes of an earlier half-open period', async () => {
    const { clock, breaker } = setup({ halfOpenSuccesses: 3, halfOpenMaxConcurrent: 2 });
    await tripOpen(breaker);
    clock.advance(10_000);
    const gates: ((ok: boolean) => void)[] = [];
    const probe = () =>
      new Promise<string>((resolve, reject) => gates.push((y) => (y ? resolve('p') : reject(new Error('p')))));
    const p1 = outcome(breaker.execute(probe));
    const p2 = outcome(breaker.execute(probe));
    expect(await outcome(breaker.execute(probe))).toBe('ERR_CP_CIRCUIT_OPEN');
    expect(breaker.snapshot()).toMatchObject({ state: 'half_open', probesInFlight: 2 });
    gates[0]!(false);
    expect(await p1).toBe('p');
    expect(breaker.snapshot()).toMatchObject({ state: 'open', trips: 2, retryAfterMs: clock.now() + 20_000 });
    gates[1]!(true); // belongs to the half-open period that just ended
    expect(await p2).toBe('p');
    expect(breaker.snapshot()).toMatchObject({ state: 'open', probeSuccesses: 0 });
  });

  it('closes after halfOpenSuccesses probes and forgives trips only after resetMs closed', async () => {
    const { clock, breaker, transitions } = setup({ backoff: { jitter: 0, resetMs: 60_000 } });
    await tripOpen(breaker);
    clock.advance(10_000);
    await breaker.execute(ok);
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    expect(transitions.map((t) => `${t.to}:${t.reason.kind}`)).toEqual([
      'open:failure_rate',
      'half_open:open_elapsed',
      'closed:probe_succeeded',
    ]);
    await tripOpen(breaker); // soon after closing: second step of the backoff
    expect(breaker.snapshot()).toMatchObject({ trips: 2, retryAfterMs: clock.now() + 20_000 });
    clock.advance(20_000);
    await breaker.execute(ok);
    await breaker.execute(ok);
    clock.advance(60_000);
    await tripOpen(breaker); // closed for resetMs: back to the first step
    expect(breaker.snapshot()).toMatchObject({ trips: 1, retryAfterMs: clock.now() + 10_000 });
  });
});

describe('circuit breaker: abort and fallback', () => {
  it('refuses an already-aborted call without calling the function', async () => {
    const { breaker } = setup();
    let called = false;
    const c = new AbortController();
    c.abort(new Error('user left'));
    const r = breaker.execute(
      () => {
        called = true;
        return ok();
      },
      { signal: c.signal },
    );
    await expect(r).rejects.toMatchObject({ code: 'ERR_CP_ABORTED', cause: c.signal.reason });
    expect(called).toBe(false);
  });

  it('rejects at once on abort during the call, hands the signal to the function, and counts nothing', async () => {
    const { breaker } = setup();
    const c = new AbortController();
    let seen: AbortSignal | undefined;
    const r = outcome(
      breaker.execute(
        ({ signal }) => {
          seen = signal;
          return new Promise<string>(() => {});
        },
        { signal: c.signal },
      ),
    );
    c.abort();
    expect(await r).toBe('ERR_CP_ABORTED');
    expect(seen).toBe(c.signal);
    expect(breaker.snapshot()).toMatchObject({ calls: 0, failures: 0 });
  });

  it('takes a bare signal as the second argument (the Policy form)', async () => {
    const { breaker } = setup();
    const c = new AbortController();
    let seen: AbortSignal | undefined;
    const r = outcome(
      breaker.execute(({ signal }) => {
        seen = signal;
        return new Promise<string>(() => {});
      }, c.signal),
    );
    c.abort();
    expect(await r).toBe('ERR_CP_ABORTED');
    expect(seen).toBe(c.signal);
    expect(await breaker.execute(({ signal }) => Promise.resolve(signal.aborted))).toBe(false);
  });

  it('frees the probe slot of an aborted probe without counting it', async () => {
    const { clock, breaker } = setup();
    await tripOpen(breaker);
    clock.advance(10_000);
    const c = new AbortController();
    const r = outcome(breaker.execute(() => new Promise<string>(() => {}), { signal: c.signal }));
    expect(await outcome(breaker.execute(ok))).toBe('ERR_CP_CIRCUIT_OPEN');
    c.abort();
    expect(await r).toBe('ERR_CP_ABORTED');
    expect(breaker.snapshot()).toMatchObject({ state: 'half_open', probesInFlight: 0, probeSuccesses: 0 });
    expect(await outcome(breaker.execute(ok))).toBe('ok');
  });

  it('gives the fallback value for refusals and failures, and still counts the failure', async () => {
    const { breaker } = setup();
    const errors: unknown[] = [];
    const fallback = (e: unknown) => {
      errors.push(e);
      return 'cached';
    };
    for (let i = 0; i < 4; i++) expect(await breaker.execute(fail, { fallback })).toBe('cached');
    expect(breaker.state).toBe('open');
    expect(await breaker.execute(ok, { fallback })).toBe('cached');
    expect(errors.slice(0, 4).map((e) => (e as Error).message)).toEqual(['down', 'down', 'down', 'down']);
    expect(isSafetyNetError(errors[4], 'ERR_CP_CIRCUIT_OPEN')).toBe(true);
  });
});

describe('circuit breaker: operator and listeners', () => {
  it('forced_open holds until reset; with until it turns half-open; disabled passes everything uncounted', async () => {
    const { clock, breaker, transitions } = setup();
    breaker.forceOpen('maintenance');
    expect(transitions.at(-1)).toMatchObject({
      to: 'forced_open',
      reason: { kind: 'operator', detail: 'maintenance' },
      retryAfterMs: T0 + 10_000,
    });
    clock.advance(1_000_000);
    expect(breaker.state).toBe('forced_open');
    expect(breaker.trip('evidence')).toBe(false);
    breaker.reset();
    breaker.forceOpen('short', clock.now() + 5);
    clock.advance(5);
    expect(breaker.state).toBe('half_open');
    breaker.disable('off');
    for (let i = 0; i < 10; i++) expect(await outcome(breaker.execute(fail))).toBe('down');
    expect(breaker.snapshot()).toMatchObject({ state: 'disabled', calls: 0 });
    breaker.reset();
    expect(transitions.map((t) => t.to)).toEqual([
      'forced_open',
      'closed',
      'forced_open',
      'half_open',
      'disabled',
      'closed',
    ]);
  });

  it('survives throwing listeners, reports them, and delivers re-entrant transitions in order', async () => {
    const reported: string[] = [];
    const { breaker, transitions } = setup({
      onListenerError: (e, t) => reported.push(`${(e as Error).message}@${t.to}`),
    });
    breaker.onTransition(() => {
      throw new Error('listener bug');
    });
    const order: string[] = [];
    const off = breaker.onTransition((t) => {
      order.push(t.to);
      if (t.to === 'forced_open') breaker.reset('undo');
    });
    breaker.forceOpen('x');
    expect(breaker.state).toBe('closed');
    expect(order).toEqual(['forced_open', 'closed']);
    expect(transitions.map((t) => t.to)).toEqual(['forced_open', 'closed']);
    expect(reported).toEqual(['listener bug@forced_open', 'listener bug@closed']);
    off();
    breaker.disable();
    expect(order).toEqual(['forced_open', 'closed']);
  });

  it('trip opens for the next backoff step, or until a given time, and extends an open breaker only later', () => {
    const { clock, breaker, transitions } = setup();
    expect(breaker.trip('evidence', 'BET violation')).toBe(true);
    expect(transitions.at(-1)).toMatchObject({
      to: 'open',
      reason: { kind: 'evidence', detail: 'BET violation' },
      retryAfterMs: T0 + 10_000,
    });
    expect(breaker.trip('explicit_signal', 'x', T0 + 5_000)).toBe(false);
    expect(breaker.trip('explicit_signal', 'x', T0 + 50_000)).toBe(true);
    expect(transitions.at(-1)).toMatchObject({ from: 'open', to: 'open', since: T0 / 1000, retryAfterMs: T0 + 50_000 });
    clock.advance(50_000);
    expect(breaker.state).toBe('half_open');
  });
});

describe('circuit breaker: remote announcements and failure signals', () => {
  const peer = 'spiffe://example.org/host-b';
  const ann = (seq: number, state: string, retryAfterS?: number) => ({
    iss: peer,
    breaker: 'pool',
    state,
    seq,
    ...(retryAfterS === undefined ? {} : { retry_after: retryAfterS }),
  });

  it('opens on a remote open until its retry_after, ordered by seq per issuer and breaker', () => {
    const { clock, breaker, transitions } = setup();
    expect(breaker.applyRemote(ann(5, 'open', T0 / 1000 + 30))).toBe(true);
    expect(transitions.at(-1)).toMatchObject({
      to: 'open',
      reason: { kind: 'explicit_signal' },
      retryAfterMs: T0 + 30_000,
    });
    expect(() => breaker.applyRemote(ann(5, 'closed'))).toThrow(
      expect.objectContaining({ code: 'ERR_CP_ANNOUNCEMENT_STALE' }),
    );
    expect(() => breaker.applyRemote(ann(4, 'forced_open', T0 / 1000 + 90))).toThrow(
      expect.objectContaining({ code: 'ERR_CP_ANNOUNCEMENT_STALE' }),
    );
    expect(breaker.snapshot().retryAfterMs).toBe(T0 + 30_000);
    // Another breaker of the same issuer has its own sequence.
    expect(breaker.applyRemote({ ...ann(1, 'open', T0 / 1000 + 60), breaker: 'pool-2' })).toBe(true);
    expect(breaker.snapshot().retryAfterMs).toBe(T0 + 60_000);
    clock.advance(60_000);
    expect(breaker.state).toBe('half_open');
  });

  it('keeps the seq of at most maxRemoteSources pairs, refusing new pairs and never forgetting old ones', () => {
    const { breaker } = setup({ maxRemoteSources: 3 });
    for (const name of ['pool-1', 'pool-2', 'pool-3'])
      expect(breaker.applyRemote({ ...ann(7, 'closed'), breaker: name })).toBe(false);
    const before = breaker.snapshot();
    expect(() => breaker.applyRemote({ ...ann(1, 'open', T0 / 1000 + 30), breaker: 'pool-4' })).toThrow(
      expect.objectContaining({ code: 'ERR_CP_TOO_MANY_SOURCES' }),
    );
    expect(() => breaker.applyRemote({ ...ann(1, 'open', T0 / 1000 + 30), iss: 'spiffe://example.org/new' })).toThrow(
      expect.objectContaining({ code: 'ERR_CP_TOO_MANY_SOURCES' }),
    );
    expect(breaker.snapshot()).toEqual(before);
    // Known pairs still apply, and their order still holds: nothing was evicted to make room.
    expect(() => breaker.applyRemote({ ...ann(7, 'open', T0 / 1000 + 30), breaker: 'pool-1' })).toThrow(
      expect.objectContaining({ code: 'ERR_CP_ANNOUNCEMENT_STALE' }),
    );
    expect(breaker.applyRemote({ ...ann(8, 'open', T0 / 1000 + 30), breaker: 'pool-1' })).toBe(true);
    for (const bad of [0, 1.5, 1_000_001, '3']) {
      expect(() => setup({ maxRemoteSources: bad as number })).toThrow(
        expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }),
      );
    }
  });

  it('never closes a breaker that opened on its own evidence; half-opens one its announcer opened', async () => {
    const own = setup();
    await tripOpen(own.breaker);
    expect(own.breaker.applyRemote(ann(1, 'closed'))).toBe(false);
    expect(own.breaker.state).toBe('open');
    const remote = setup();
    remote.breaker.applyRemote(ann(1, 'open', T0 / 1000 + 300));
    expect(remote.breaker.applyRemote({ ...ann(1, 'closed'), iss: 'spiffe://example.org/other' })).toBe(false);
    expect(remote.breaker.applyRemote(ann(2, 'closed'))).toBe(true);
    expect(remote.breaker.state).toBe('half_open');
    expect(remote.transitions.at(-1)?.reason.kind).toBe('explicit_signal');
  });

  it('changes nothing in forced_open or disabled, or for a retry_after already past', () => {
    const { breaker } = setup();
    expect(breaker.applyRemote(ann(1, 'open', T0 / 1000 - 1))).toBe(false);
    breaker.forceOpen();
    expect(breaker.applyRemote(ann(2, 'open', T0 / 1000 + 30))).toBe(false);
    expect(breaker.state).toBe('forced_open');
    breaker.disable();
    expect(breaker.applyRemote(ann(3, 'forced_open', T0 / 1000 + 30))).toBe(false);
    expect(breaker.state).toBe('disabled');
  });

  it('refuses malformed announcements with ERR_CLAIMS_INVALID and changes nothing', () => {
    const { breaker } = setup();
    const bad: unknown[] = [
      null,
      'open',
      ann(-1, 'open', 5),
      ann(1.5, 'open', 5),
      ann(1, 'opened', 5),
      ann(1, 'open'),
      ann(1, 'closed', 5),
      { ...ann(1, 'open', 5), iss: '' },
      { ...ann(1, 'open', 5), retry_after: Number.POSITIVE_INFINITY },
      { ...ann(1, 'open', 5), seq: 2 ** 60 },
    ];
    for (const a of bad)
      expect(() => breaker.applyRemote(a)).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));
    expect(breaker.state).toBe('closed');
    fc.assert(
      fc.property(fc.anything(), (a) => {
        try {
          breaker.applyRemote(a);
        } catch (e) {
          expect(isSafetyNetError(e, 'ERR_CLAIMS_INVALID')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('applies failure signals from its dependency: unavailable opens, recovered half-opens, older ones are stale', () => {
    const { breaker } = setup();
    const dep = 'spiffe://example.org/pool';
    expect(
      breaker.applyFailureSignal({ iss: 'spiffe://example.org/else', iat: 1, jti: 'fs-1', status: 'unavailable' }),
    ).toBe(false);
    expect(
      breaker.applyFailureSignal({ iss: dep, iat: 100, jti: 'fs-1', status: 'unavailable', until: T0 / 1000 + 120 }),
    ).toBe(true);
    expect(breaker.snapshot()).toMatchObject({ state: 'open', retryAfterMs: T0 + 120_000 });
    expect(breaker.applyFailureSignal({ iss: dep, iat: 101, jti: 'fs-2', status: 'degraded' })).toBe(false);
    expect(() => breaker.applyFailureSignal({ iss: dep, iat: 99, jti: 'fs-3', status: 'recovered' })).toThrow(
      expect.objectContaining({ code: 'ERR_CP_ANNOUNCEMENT_STALE' }),
    );
    expect(breaker.applyFailureSignal({ iss: dep, iat: 102, jti: 'fs-4', status: 'recovered' })).toBe(true);
    expect(breaker.state).toBe('half_open');
    expect(() =>
      breaker.applyFailureSignal({ iss: dep, iat: 103, jti: 'fs-5', status: 'recovered', until: 5 }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));
    // Without `until`: the next backoff step (trips stay uncounted).
    const other = setup();
    other.breaker.applyFailureSignal({ iss: dep, iat: 1, jti: 'fs-1', status: 'unavailable' });
    expect(other.breaker.snapshot()).toMatchObject({ retryAfterMs: T0 + 10_000, trips: 0 });
  });

  it('applies a failure signal once: the same signal again is stale and changes nothing, a later one applies', async () => {
    const { clock, breaker, transitions } = setup({ halfOpenSuccesses: 1 });
    const signal = { iss: 'spiffe://example.org/pool', iat: T0 / 1000, jti: 'fs-1', status: 'unavailable' } as const;
    expect(breaker.applyFailureSignal(signal)).toBe(true);
    clock.advance(120_000);
    expect(await outcome(breaker.execute(ok))).toBe('ok'); // the probe closes it
    expect(breaker.state).toBe('closed');
    const before = { snapshot: breaker.snapshot(), transitions: transitions.length };
    expect(() => breaker.applyFailureSignal(signal)).toThrow(
      expect.objectContaining({ code: 'ERR_CP_ANNOUNCEMENT_STALE' }),
    );
    expect({ snapshot: breaker.snapshot(), transitions: transitions.length }).toEqual(before);
    // Signals of the same second are ordered by jti.
    expect(() => breaker.applyFailureSignal({ ...signal, jti: 'fs-0' })).toThrow(
      expect.objectContaining({ code: 'ERR_CP_ANNOUNCEMENT_STALE' }),
    );
    expect(breaker.state).toBe('closed');
    expect(breaker.applyFailureSignal({ ...signal, jti: 'fs-2' })).toBe(true);
    expect(breaker.applyFailureSignal({ ...signal, iat: signal.iat + 1, jti: 'a', status: 'recovered' })).toBe(true);
    expect(breaker.state).toBe('half_open');
    const { jti: _, ...withoutJti } = signal;
    expect(() => breaker.applyFailureSignal({ ...withoutJti, iat: signal.iat + 2 })).toThrow(
      expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }),
    );
  });
});

describe('circuit breaker: time window', () => {
  it('judges only the calls of the last seconds', async () => {
    const { clock, breaker } = setup({ window: { kind: 'time', seconds: 10, buckets: 10 }, minimumCalls: 3 });
    await outcome(breaker.execute(fail));
    await outcome(breaker.execute(fail));
    clock.advance(10_000); // the two failures leave the window
    await outcome(breaker.execute(fail));
    await outcome(breaker.execute(ok));
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 2, failures: 1 });
    await outcome(breaker.execute(ok));
    expect(breaker.state).toBe('closed');
    await outcome(breaker.execute(fail));
    expect(breaker.state).toBe('open');
  });
});

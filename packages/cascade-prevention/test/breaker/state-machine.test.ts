import { fixedClock, isSafetyNetError } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/breaker/breaker.js';
import type { CircuitState, Transition } from '../../src/breaker/state.js';

/** Breaker configurations the model understands; jitter draws are a constant so the model can repeat them. */
interface Config {
  readonly window: { kind: 'count'; size: number } | { kind: 'time'; seconds: number; buckets: number };
  readonly failureRateThreshold: number;
  readonly slowCallDurationMs: number | undefined;
  readonly slowCallRateThreshold: number;
  readonly minimumCalls: number;
  readonly openDurationMs: number;
  readonly multiplier: number;
  readonly maxFactor: number;
  readonly jitter: number;
  readonly resetMs: number;
  readonly halfOpenSuccesses: number;
  readonly draw: number;
}

type Command =
  | { readonly op: 'call'; readonly ok: boolean; readonly ms: number }
  | { readonly op: 'wait'; readonly ms: number }
  | { readonly op: 'forceOpen'; readonly until: number | undefined }
  | { readonly op: 'disable' }
  | { readonly op: 'reset' }
  | { readonly op: 'trip'; readonly until: number | undefined };

type Outcome = 'ok' | 'failed' | 'refused';
type Step = { from: CircuitState; to: CircuitState; kind: string; retryAfterMs: number | undefined };

/**
 * The reference: the rules of spec §3 written as plainly as possible, with every outcome kept in a list and each
 * window recounted from scratch.
 */
class Model {
  state: CircuitState = 'closed';
  steps: Step[] = [];
  private outcomes: { t: number; failed: boolean; slow: boolean }[] = [];
  private trips = 0;
  private retryAt = 0;
  private closedAt = 0;
  private probeOk = 0;
  private forcedEnds = false;

  constructor(private readonly c: Config) {}

  private duration(trip: number): number {
    const c = this.c;
    let base = c.openDurationMs;
    for (let k = 1; k < trip; k++) base = Math.min(base * c.multiplier, c.openDurationMs * c.maxFactor);
    base = Math.min(base, c.openDurationMs * c.maxFactor);
    return Math.max(1, Math.round(base * (1 - c.jitter * c.draw)));
  }

  private go(to: CircuitState, kind: string, now: number, retryAt?: number): void {
    this.steps.push({ from: this.state, to, kind, retryAfterMs: retryAt });
    this.state = to;
    this.retryAt = retryAt ?? 0;
    if (to === 'closed') {
      this.outcomes = [];
      this.closedAt = now;
    }
    if (to === 'half_open') this.probeOk = 0;
  }

  private refresh(now: number): void {
    if ((this.state === 'open' || (this.state === 'forced_open' && this.forcedEnds)) && now >= this.retryAt) {
      this.go('half_open', 'open_elapsed', now);
    }
  }

  call(ok: boolean, start: number, ms: number): Outcome {
    this.refresh(start);
    const end = start + ms;
    const slow = this.c.slowCallDurationMs !== undefined && ms >= this.c.slowCallDurationMs;
    if (this.state === 'open' || this.state === 'forced_open') return 'refused';
    if (this.state === 'disabled') return ok ? 'ok' : 'failed';
    if (this.state === 'half_open') {
      if (!ok || slow) {
        this.trips++;
        this.go('open', 'probe_failed', end, end + this.duration(this.trips));
      } else if (++this.probeOk >= this.c.halfOpenSuccesses) {
        this.go('closed', 'probe_succeeded', end);
      }
      return ok ? 'ok' : 'failed';
    }
    this.outcomes.push({ t: end, failed: !ok, slow });
    const w = this.c.window;
    let inWindow: { failed: boolean; slow: boolean }[];
    if (w.kind === 'count') {
      inWindow = this.outcomes.slice(-w.size);
    } else {
      const width = (w.seconds * 1000) / w.buckets;
      inWindow = this.outcomes.filter((o) => Math.floor(o.t / width) > Math.floor(end / width) - w.buckets);
    }
    if (inWindow.length >= this.c.minimumCalls) {
      const failureRate = inWindow.filter((o) => o.failed).length / inWindow.length;
      const slowRate = inWindow.filter((o) => o.slow).length / inWindow.length;
      let kind: string | undefined;
      if (failureRate >= this.c.failureRateThreshold) kind = 'failure_rate';
      else if (this.c.slowCallDurationMs !== undefined && slowRate >= this.c.slowCallRateThreshold)
        kind = 'slow_call_rate';
      if (kind !== undefined) {
        if (end - this.closedAt >= this.c.resetMs) this.trips = 0;
        this.trips++;
        this.go('open', kind, end, end + this.duration(this.trips));
      }
    }
    return ok ? 'ok' : 'failed';
  }

  wait(now: number): void {
    this.refresh(now);
  }

  forceOpen(now: number, until: number | undefined): void {
    this.forcedEnds = until !== undefined;
    this.go('forced_open', 'operator', now, until ?? now + this.c.openDurationMs);
  }

  disable(now: number): void {
    if (this.state !== 'disabled') this.go('disabled', 'operator', now);
  }

  reset(now: number): void {
    this.trips = 0;
    if (this.state === 'closed') this.outcomes = [];
    else this.go('closed', 'operator', now);
  }

  trip(now: number, until: number | undefined): void {
    this.refresh(now);
    if (this.state === 'forced_open' || this.state === 'disabled') return;
    if (until !== undefined) {
      if (until <= now || (this.state === 'open' && until <= this.retryAt)) return;
      this.go('open', 'evidence', now, until);
      return;
    }
    if (this.state === 'open') return;
    if (this.state === 'closed' && now - this.closedAt >= this.c.resetMs) this.trips = 0;
    this.trips++;
    this.go('open', 'evidence', now, now + this.duration(this.trips));
  }
}

const config: fc.Arbitrary<Config> = fc.record({
  window: fc.oneof(
    fc.record({ kind: fc.constant('count' as const), size: fc.integer({ min: 1, max: 8 }) }),
    fc.record({
      kind: fc.constant('time' as const),
      seconds: fc.integer({ min: 1, max: 5 }),
      buckets: fc.integer({ min: 1, max: 5 }),
    }),
  ),
  failureRateThreshold: fc.constantFrom(0.25, 0.5, 0.75, 1),
  slowCallDurationMs: fc.option(fc.constantFrom(50, 200), { nil: undefined }),
  slowCallRateThreshold: fc.constantFrom(0.5, 1),
  minimumCalls: fc.integer({ min: 1, max: 8 }),
  openDurationMs: fc.constantFrom(100, 1_000),
  multiplier: fc.constantFrom(1, 1.5, 2),
  maxFactor: fc.constantFrom(1, 4, 16),
  jitter: fc.constantFrom(0, 0.3),
  resetMs: fc.constantFrom(0, 500, 5_000),
  halfOpenSuccesses: fc.integer({ min: 1, max: 3 }),
  draw: fc.constantFrom(0, 0.5, 0.9),
});

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({ op: fc.constant('call' as const), ok: fc.boolean(), ms: fc.constantFrom(0, 10, 100, 300) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('wait' as const), ms: fc.constantFrom(50, 500, 2_000, 20_000) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('forceOpen' as const),
      until: fc.option(fc.constantFrom(100, 3_000), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'disable' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reset' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('trip' as const),
      until: fc.option(fc.constantFrom(-10, 200, 5_000), { nil: undefined }),
    }),
  },
);

async function runBoth(c: Config, commands: readonly Command[]): Promise<void> {
  const clock = fixedClock(1_700_000_000_000);
  const breaker = new CircuitBreaker({
    id: 'b',
    dependency: 'd',
    window: c.window,
    failureRateThreshold: c.failureRateThreshold,
    ...(c.slowCallDurationMs === undefined
      ? {}
      : { slowCallDurationMs: c.slowCallDurationMs, slowCallRateThreshold: c.slowCallRateThreshold }),
    minimumCalls: c.window.kind === 'count' ? Math.min(c.minimumCalls, c.window.size) : c.minimumCalls,
    openDurationMs: c.openDurationMs,
    backoff: { multiplier: c.multiplier, maxMs: c.openDurationMs * c.maxFactor, jitter: c.jitter, resetMs: c.resetMs },
    halfOpenSuccesses: c.halfOpenSuccesses,
    clock,
    random: () => c.draw,
  });
  const model = new Model({
    ...c,
    minimumCalls: c.window.kind === 'count' ? Math.min(c.minimumCalls, c.window.size) : c.minimumCalls,
  });
  const seen: Transition[] = [];
  breaker.onTransition((t) => seen.push(t));
  for (const cmd of commands) {
    const now = clock.now();
    switch (cmd.op) {
      case 'call': {
        const expected = model.call(cmd.ok, now, cmd.ms);
        const got = await breaker
          .execute(() => {
            clock.advance(cmd.ms);
            return cmd.ok ? Promise.resolve('ok' as const) : Promise.reject(new Error('down'));
          })
          .then(
            (v) => v,
            (e: unknown) => (isSafetyNetError(e, 'ERR_CP_CIRCUIT_OPEN') ? ('refused' as const) : ('failed' as const)),
          );
        expect(got).toBe(expected);
        // A refused call never ran, so the clock did not move; keep the model's clock in step.
        if (got === 'refused') clock.set(now + cmd.ms);
        break;
      }
      case 'wait':
        clock.advance(cmd.ms);
        model.wait(clock.now());
        expect(breaker.state).toBe(model.state);
        break;
      case 'forceOpen':
        model.forceOpen(now, cmd.until === undefined ? undefined : now + cmd.until);
        breaker.forceOpen('ops', cmd.until === undefined ? undefined : now + cmd.until);
        break;
      case 'disable':
        model.disable(now);
        breaker.disable();
        break;
      case 'reset':
        model.reset(now);
        breaker.reset();
        break;
      case 'trip':
        model.trip(now, cmd.until === undefined ? undefined : now + cmd.until);
        breaker.trip('evidence', 'BET', cmd.until === undefined ? undefined : now + cmd.until);
        break;
    }
    expect(seen.map((t) => ({ from: t.from, to: t.to, kind: t.reason.kind, retryAfterMs: t.retryAfterMs }))).toEqual(
      model.steps,
    );
  }
  for (let i = 1; i < seen.length; i++) expect(seen[i]!.seq).toBeGreaterThan(seen[i - 1]!.seq);
}

describe('breaker state machine against a reference model', () => {
  it('agrees on every outcome and transition for random command sequences (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.array(command, { maxLength: 60 }), (c, commands) => runBoth(c, commands)),
      { numRuns: 300 },
    );
  });

  it('agrees on a hand-written trip, backoff, probe and close cycle', async () => {
    const c: Config = {
      window: { kind: 'count', size: 4 },
      failureRateThreshold: 0.5,
      slowCallDurationMs: undefined,
      slowCallRateThreshold: 1,
      minimumCalls: 4,
      openDurationMs: 1_000,
      multiplier: 2,
      maxFactor: 8,
      jitter: 0,
      resetMs: 60_000,
      halfOpenSuccesses: 2,
      draw: 0,
    };
    const fail = { op: 'call', ok: false, ms: 10 } as const;
    const ok = { op: 'call', ok: true, ms: 10 } as const;
    await runBoth(c, [ok, ok, fail, fail, { op: 'wait', ms: 1_000 }, fail, { op: 'wait', ms: 2_000 }, ok, ok, ok]);
    const m = new Model(c);
    for (const [okay, t] of [
      [true, 0],
      [true, 10],
      [false, 20],
      [false, 30],
    ] as const)
      m.call(okay, t, 10);
    expect(m.steps).toEqual([{ from: 'closed', to: 'open', kind: 'failure_rate', retryAfterMs: 1_040 }]);
  });
});

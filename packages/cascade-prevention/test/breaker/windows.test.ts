import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountWindow } from '../../src/breaker/count-window.js';
import { TimeWindow } from '../../src/breaker/time-window.js';
import { FAILURE, SLOW } from '../../src/breaker/window.js';

const outcome = fc.constantFrom(0, FAILURE, SLOW, FAILURE | SLOW);

/** Naive totals over a list of outcomes. */
function totals(outcomes: readonly number[]) {
  return {
    calls: outcomes.length,
    failures: outcomes.filter((o) => o & FAILURE).length,
    slow: outcomes.filter((o) => o & SLOW).length,
  };
}

describe('count window', () => {
  it('holds the last `size` outcomes, by hand', () => {
    const w = new CountWindow(3);
    w.record(FAILURE, 0);
    w.record(FAILURE | SLOW, 0);
    w.record(0, 0);
    expect([w.calls, w.failures, w.slow]).toEqual([3, 2, 1]);
    w.record(0, 0); // pushes out the first failure
    expect([w.calls, w.failures, w.slow]).toEqual([3, 1, 1]);
    w.record(0, 0); // pushes out the slow failure
    expect([w.calls, w.failures, w.slow]).toEqual([3, 0, 0]);
    w.clear();
    expect([w.calls, w.failures, w.slow]).toEqual([0, 0, 0]);
  });

  it('equals a naive recount of the last `size` outcomes (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(outcome, { maxLength: 80 }), (size, outcomes) => {
        const w = new CountWindow(size);
        outcomes.forEach((o, i) => {
          w.record(o, 0);
          const naive = totals(outcomes.slice(Math.max(0, i + 1 - size), i + 1));
          expect({ calls: w.calls, failures: w.failures, slow: w.slow }).toEqual(naive);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('time window', () => {
  it('drops calls once their bucket leaves the window, by hand', () => {
    const w = new TimeWindow(10, 5); // five buckets of 2 s
    w.record(FAILURE, 1_000); // bucket 0
    w.record(0, 3_500); // bucket 1
    w.advance(9_999); // bucket 4: window is buckets 0…4
    expect([w.calls, w.failures]).toEqual([2, 1]);
    w.advance(10_000); // bucket 5: bucket 0 leaves
    expect([w.calls, w.failures]).toEqual([1, 0]);
    w.advance(1_000_000); // far ahead: everything leaves
    expect(w.calls).toBe(0);
    w.record(SLOW, 500); // the clock went back: recorded into the newest bucket
    expect([w.calls, w.slow]).toEqual([1, 1]);
  });

  it('works for clock readings before the epoch', () => {
    const w = new TimeWindow(2, 2);
    w.record(FAILURE, -5_000); // bucket −5 (one-second buckets)
    w.record(0, -3_900); // bucket −4
    expect([w.calls, w.failures]).toEqual([2, 1]);
    w.advance(-2_500); // bucket −3: bucket −5 leaves
    expect([w.calls, w.failures]).toEqual([1, 0]);
  });

  it('keeps working at readings where bucket indices pass 2^53 (a clock in nanoseconds)', () => {
    const w = new TimeWindow(1, 1000); // 1 ms buckets
    const t = Date.UTC(2026, 10, 23) * 1e6;
    w.record(FAILURE, t);
    w.record(0, t + 1e9);
    expect([w.calls, w.failures]).toEqual([1, 0]);
    w.record(0, 2 ** 62);
    expect(w.calls).toBe(1);
  });

  it('equals a naive recount of the calls in the current and previous buckets (fast-check)', () => {
    const step = fc.record({
      dt: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 30_000 })),
      o: outcome,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.array(step, { maxLength: 80 }),
        (seconds, bucketsWanted, start, steps) => {
          const buckets = Math.min(bucketsWanted, seconds * 1000);
          const width = (seconds * 1000) / buckets;
          const w = new TimeWindow(seconds, buckets);
          const seen: { t: number; o: number }[] = [];
          let t = start;
          for (const { dt, o } of steps) {
            t += dt;
            w.record(o, t);
            seen.push({ t, o });
            const now = Math.floor(t / width);
            const naive = totals(seen.filter((s) => Math.floor(s.t / width) > now - buckets).map((s) => s.o));
            expect({ calls: w.calls, failures: w.failures, slow: w.slow }).toEqual(naive);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

import { isSafetyNetError } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bulkhead, type RunOptions } from '../../src/bulkhead/bulkhead.js';
import { FailureDomains } from '../../src/bulkhead/domains.js';
import type { BulkheadOptions } from '../../src/bulkhead/options.js';

/** Lets queued promise callbacks run. */
const flush = () => new Promise<void>((r) => setImmediate(r));

/** A task that records when it starts and finishes when told. */
function gated(log: string[], name: string) {
  let finish!: (ok: boolean) => void;
  const fn = () => {
    log.push(name);
    return new Promise<string>((resolve, reject) => {
      finish = (ok) => (ok ? resolve(name) : reject(new Error(name)));
    });
  };
  return { fn, finish: (ok = true) => finish(ok) };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    return `value:${String(await p)}`;
  } catch (e) {
    return isSafetyNetError(e) ? e.code : `error:${(e as Error).message}`;
  }
}

describe('bulkhead: options', () => {
  const bad: Record<string, unknown>[] = [
    {},
    { name: 'x', maxConcurrent: 0 },
    { name: 'x', maxConcurrent: 1.5 },
    { name: 'x', maxConcurrent: 1_000_001 },
    { name: '', maxConcurrent: 1 },
    { name: 'x', maxConcurrent: 1, maxQueue: -1 },
    { name: 'x', maxConcurrent: 1, maxQueue: Number.POSITIVE_INFINITY },
    { name: 'x', maxConcurrent: 1, priorities: [] },
    { name: 'x', maxConcurrent: 1, priorities: ['a', 'a'] },
    { name: 'x', maxConcurrent: 1, priorities: 'abc' },
    { name: 'x', maxConcurrent: 1, priorities: Array.from({ length: 65 }, (_, i) => `p${i}`) },
    { name: 'x', maxConcurrent: 2, reserved: { urgent: 1 } },
    { name: 'x', maxConcurrent: 2, reserved: { critical: 2, high: 1 } },
    { name: 'x', maxConcurrent: 2, reserved: { critical: -1 } },
    { name: 'x', maxConcurrent: 2, reserved: { critical: 1, normal: 1 } },
  ];
  it.each(bad.map((o, i) => [i, o]))('refuses bad option set %i with ERR_CP_CONFIG_INVALID', (_, options) => {
    expect(() => new Bulkhead(options as unknown as BulkheadOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }),
    );
  });

  it('rejects an unknown class, a non-function or bad run options with ERR_CP_CONFIG_INVALID', async () => {
    const b = new Bulkhead({ name: 'x', maxConcurrent: 1 });
    expect(await code(b.run(() => Promise.resolve(1), { priority: 'urgent' }))).toBe('ERR_CP_CONFIG_INVALID');
    expect(await code(b.run(5 as unknown as () => Promise<number>))).toBe('ERR_CP_CONFIG_INVALID');
    expect(await code(b.run(() => Promise.resolve(1), null as unknown as RunOptions))).toBe('ERR_CP_CONFIG_INVALID');
    expect(await code(b.run(() => Promise.resolve(1), { signal: 'no' as unknown as AbortSignal }))).toBe(
      'ERR_CP_CONFIG_INVALID',
    );
    expect(b.stats()).toMatchObject({ active: 0, queued: 0, started: 0 });
  });
});

describe('bulkhead: dispatch, shedding, reservations', () => {
  it('starts the highest class first, FIFO within a class', async () => {
    const b = new Bulkhead({ name: 'x', maxConcurrent: 1, maxQueue: 10 });
    const log: string[] = [];
    const tasks = ['block', 'low1', 'normal1', 'critical1', 'low2', 'critical2'].map((n) => ({ n, g: gated(log, n) }));
    const results = tasks.map(({ n, g }) => b.run(g.fn, { priority: n === 'block' ? 'low' : n.replace(/\d$/, '') }));
    expect(b.stats().queuedByClass).toEqual({ critical: 2, high: 0, normal: 1, low: 2 });
    for (let i = 0; i < tasks.length; i++) {
      const started = log.at(-1)!;
      tasks.find((t) => t.n === started)!.g.finish();
      await flush();
    }
    expect(log).toEqual(['block', 'critical1', 'critical2', 'normal1', 'low1', 'low2']);
    expect(await Promise.all(results)).toEqual(tasks.map((t) => t.n));
  });

  it('sheds the newest task of the lowest class for a higher newcomer, refuses the rest', async () => {
    const b = new Bulkhead({ name: 'x', maxConcurrent: 1, maxQueue: 2 });
    const log: string[] = [];
    const block = gated(log, 'block');
    b.run(block.fn, { priority: 'high' });
    const a = b.run(gated(log, 'A').fn, { priority: 'low' });
    const bb = b.run(gated(log, 'B').fn, { priority: 'low' });
    const c = b.run(gated(log, 'C').fn, { priority: 'critical' });
    expect(await code(bb)).toBe('ERR_CP_BULKHEAD_SHED');
    expect(await code(b.run(gated(log, 'D').fn, { priority: 'low' }))).toBe('ERR_CP_BULKHEAD_FULL');
    const n1 = b.run(gated(log, 'N1').fn, { priority: 'normal' });
    expect(await code(a)).toBe('ERR_CP_BULKHEAD_SHED');
    expect(await code(b.run(gated(log, 'N2').fn, { priority: 'normal' }))).toBe('ERR_CP_BULKHEAD_FULL');
    expect(b.stats()).toMatchObject({ shed: 2, rejected: 2, queued: 2, queuedByClass: { critical: 1, normal: 1 } });
    void c;
    void n1;
  });

  it('keeps reserved slots for higher classes only', async () => {
    const b = new Bulkhead({ name: 'x', maxConcurrent: 4, maxQueue: 10, reserved: { critical: 2, normal: 1 } });
    const log: string[] = [];
    for (let i = 0; i < 3; i++) b.run(gated(log, `low${i}`).fn, { priority: 'low' });
    expect(log).toEqual(['low0']); // 3 of 4 slots reserved above low
    b.run(gated(log, 'normal').fn, { priority: 'normal' });
    b.run(gated(log, 'high').fn, { priority: 'high' });
    expect(log).toEqual(['low0', 'normal']); // normal may use its own reservation; high is held back by critical's 2
    b.run(gated(log, 'c1').fn, { priority: 'critical' });
    b.run(gated(log, 'c2').fn, { priority: 'critical' });
    expect(log).toEqual(['low0', 'normal', 'c1', 'c2']);
    expect(b.stats()).toMatchObject({ active: 4, queued: 3 });
  });

  it('lets the highest class use every slot', () => {
    const b = new Bulkhead({
      name: 'x',
      maxConcurrent: 3,
      reserved: { critical: 2, low: 1 },
      priorities: ['critical', 'low'],
    });
    const log: string[] = [];
    for (let i = 0; i < 3; i++) b.run(gated(log, `c${i}`).fn, { priority: 'critical' });
    expect(log).toEqual(['c0', 'c1', 'c2']);
  });

  it('counts a synchronous throw as the task failing and frees the slot', async () => {
    const b = new Bulkhead({ name: 'x', maxConcurrent: 1, maxQueue: 1 });
    const r = b.run(() => {
      throw new Error('sync');
    });
    expect(await code(r)).toBe('error:sync');
    expect(b.stats()).toMatchObject({ active: 0, completed: 1 });
  });
});

describe('bulkhead: abort and isolation', () => {
  it('removes an aborted queued task and refuses an already-aborted one', async () => {
    const b = new Bulkhead({ name: 'x', maxConcurrent: 1, maxQueue: 5 });
    const log: string[] = [];
    const block = gated(log, 'block');
    b.run(block.fn);
    const c = new AbortController();
    const queued = b.run(gated(log, 'q').fn, { signal: c.signal });
    c.abort();
    expect(await code(queued)).toBe('ERR_CP_ABORTED');
    expect(await code(b.run(gated(log, 'late').fn, { signal: c.signal }))).toBe('ERR_CP_ABORTED');
    block.finish();
    await flush();
    expect(log).toEqual(['block']);
    expect(b.stats()).toMatchObject({ aborted: 2, queued: 0, active: 0 });
  });

  it('releases the caller of an aborted running task at once but holds the slot until the function settles', async () => {
    const b = new Bulkhead({ name: 'x', maxConcurrent: 1, maxQueue: 5 });
    const log: string[] = [];
    const running = gated(log, 'running');
    const c = new AbortController();
    const r = b.run(running.fn, { signal: c.signal });
    const next = b.run(gated(log, 'next').fn);
    c.abort();
    expect(await code(r)).toBe('ERR_CP_ABORTED');
    await flush();
    expect(log).toEqual(['running']);
    expect(b.stats().active).toBe(1);
    running.finish();
    await flush();
    expect(log).toEqual(['running', 'next']);
    void next;
  });

  it('isolate rejects queued and new work, lets running work finish; restore accepts again', async () => {
    const domains = new FailureDomains();
    const b = domains.add({ name: 'inference', maxConcurrent: 1, maxQueue: 5 });
    expect(() => domains.add({ name: 'inference', maxConcurrent: 1 })).toThrow(
      expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }),
    );
    expect(() => domains.get('nope')).toThrow(expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }));
    const log: string[] = [];
    const running = gated(log, 'running');
    const r = b.run(running.fn);
    const queued = b.run(gated(log, 'queued').fn);
    domains.isolate('inference', 'cascade from agent-7');
    expect(await code(queued)).toBe('ERR_CP_DOMAIN_ISOLATED');
    expect(await code(b.run(gated(log, 'new').fn, { priority: 'critical' }))).toBe('ERR_CP_DOMAIN_ISOLATED');
    running.finish();
    expect(await code(r)).toBe('value:running');
    domains.restore('inference');
    expect(await code(b.run(() => Promise.resolve('again')))).toBe('value:again');
    expect(domains.stats()['inference']).toMatchObject({ refusedIsolated: 2, completed: 2, isolated: false });
    expect(domains.names()).toEqual(['inference']);
  });
});

type Op =
  | { readonly op: 'submit'; readonly cls: number; readonly withSignal: boolean }
  | { readonly op: 'finish'; readonly pick: number; readonly ok: boolean }
  | { readonly op: 'abort'; readonly pick: number };

describe('bulkhead invariants (fast-check)', () => {
  it('bounds, priority, FIFO, reservations, shedding order and exactly-once settlement hold for random workloads', async () => {
    const classes = ['critical', 'high', 'normal', 'low'];
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          op: fc.constant('submit' as const),
          cls: fc.integer({ min: 0, max: 3 }),
          withSignal: fc.boolean(),
        }),
      },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('finish' as const), pick: fc.nat(), ok: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('abort' as const), pick: fc.nat() }) },
    );
    const setup = fc.record({
      maxConcurrent: fc.integer({ min: 1, max: 5 }),
      maxQueue: fc.integer({ min: 0, max: 6 }),
      reserved: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(setup, fc.array(op, { maxLength: 80 }), async ({ maxConcurrent, maxQueue, reserved }, ops) => {
        // Trim reservations to fit: those above the lowest class leave it one slot.
        let room = maxConcurrent - 1;
        const res = Object.fromEntries(
          classes.map((c, i) => {
            const r = Math.min(reserved[i]!, i === classes.length - 1 ? room + 1 : room);
            room -= r;
            return [c, r];
          }),
        );
        const b = new Bulkhead({ name: 'p', maxConcurrent, maxQueue, reserved: res });
        interface T {
          id: number;
          cls: number;
          controller?: AbortController;
          finish?: (ok: boolean) => void;
          settled: number;
          outcome?: string;
        }
        const tasks: T[] = [];
        const startedIds: number[] = [];
        const queuedClasses = () => {
          const q = b.stats().queuedByClass;
          return classes.map((c) => q[c]!);
        };
        for (const o of ops) {
          if (o.op === 'submit') {
            const t: T = { id: tasks.length, cls: o.cls, settled: 0 };
            if (o.withSignal) t.controller = new AbortController();
            tasks.push(t);
            const before = queuedClasses();
            const shedBefore = b.stats().shed;
            const p = b.run(
              () => {
                // At the moment a task starts: nothing of a higher class waits, and reservations hold.
                const s = b.stats();
                const q = classes.map((c) => s.queuedByClass[c]!);
                for (let c = 0; c < t.cls; c++) expect(q[c]).toBe(0);
                let held = 0;
                for (let c = 0; c < t.cls; c++) held += Math.max(0, res[classes[c]!]! - s.activeByClass[classes[c]!]!);
                expect(s.active + held).toBeLessThanOrEqual(maxConcurrent);
                startedIds.push(t.id);
                return new Promise<string>((resolve, reject) => {
                  t.finish = (ok) => (ok ? resolve('done') : reject(new Error('failed')));
                });
              },
              { priority: classes[o.cls]!, ...(t.controller ? { signal: t.controller.signal } : {}) },
            );
            p.then(
              () => {
                t.settled++;
                t.outcome = 'done';
              },
              (e: unknown) => {
                t.settled++;
                t.outcome = isSafetyNetError(e) ? e.code : 'failed';
              },
            );
            if (b.stats().shed > shedBefore) {
              // The victim came from the lowest non-empty class, which is strictly below the newcomer's.
              const lowest = before.reduce((lo, n, c) => (n > 0 ? c : lo), -1);
              expect(lowest).toBeGreaterThan(o.cls);
              expect(queuedClasses()[lowest]).toBe(before[lowest]! - 1);
            }
          } else if (o.op === 'finish') {
            const running = tasks.filter((t) => t.finish && t.outcome === undefined);
            const t = running[o.pick % Math.max(1, running.length)];
            t?.finish?.(o.ok);
          } else {
            const live = tasks.filter((t) => t.controller && !t.controller.signal.aborted);
            live[o.pick % Math.max(1, live.length)]?.controller?.abort();
          }
          await flush();
          const s = b.stats();
          expect(s.active).toBeLessThanOrEqual(maxConcurrent);
          expect(s.queued).toBeLessThanOrEqual(maxQueue);
          for (const t of tasks) expect(t.settled).toBeLessThanOrEqual(1);
        }
        // FIFO within a class: start order follows submission order.
        for (let c = 0; c < classes.length; c++) {
          const order = startedIds.filter((id) => tasks[id]!.cls === c);
          expect(order).toEqual([...order].sort((x, y) => x - y));
        }
        // Drain: finish everything still running until nothing is left; then every task settled exactly once.
        for (let guard = 0; guard < 1_000 && (b.stats().active > 0 || b.stats().queued > 0); guard++) {
          for (const t of tasks) if (t.finish) t.finish(true);
          await flush();
        }
        for (const t of tasks) expect(t.settled).toBe(1);
        const s = b.stats();
        expect(s).toMatchObject({ active: 0, queued: 0 });
        expect(s.started).toBe(startedIds.length);
        const count = (code: string) => tasks.filter((t) => t.outcome === code).length;
        expect(s.shed).toBe(count('ERR_CP_BULKHEAD_SHED'));
        expect(s.rejected).toBe(count('ERR_CP_BULKHEAD_FULL'));
      }),
      { numRuns: 150 },
    );
  });
});

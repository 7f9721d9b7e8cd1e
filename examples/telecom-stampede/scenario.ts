import { Bulkhead, CircuitBreaker } from '@safety-net/cascade-prevention';
import { isSafetyNetError, seededRandom, uniformSource } from '@safety-net/core';
import { InferencePool, type PoolModel, type PoolStats } from './pool.js';
import { Simulation } from './sim.js';

/** The model's constants; every figure in the README follows from these. */
export const MODEL = {
  start: Date.UTC(2026, 4, 12, 9, 0, 0),
  /** Simulated span: 15 minutes. */
  durationMs: 15 * 60_000,
  /** The outage: minutes 2 to 12. */
  outage: { fromMs: 2 * 60_000, toMs: 12 * 60_000 },
  diagnosticAgents: 10,
  observerAgents: 40,
  /** Each diagnostic agent opens a task every 60 s on average (Poisson). */
  diagnosticEveryMs: 60_000,
  /** A task must have its inference answer within 30 s of opening. */
  deadlineMs: 30_000,
  /** A diagnostic agent retries a failed inference after 1 s, until its deadline. */
  diagnosticRetryMs: 1_000,
  /** Each observer polls every 10 s and retries a failed poll twice, 0.5 s apart. */
  observerEveryMs: 10_000,
  observerRetries: 2,
  observerRetryMs: 500,
  pool: {
    normalCapacity: 16,
    outageCapacity: 4,
    outageErrorRate: 0.3,
    serviceMs: { diagnostic: 2_000, observer: 1_000 },
    queueTimeoutMs: 20_000,
  },
  bulkhead: { maxConcurrent: 12, maxQueue: 12, reserved: { critical: 4 } },
} as const;

/** What happened to the diagnostic tasks. */
export interface DiagnosticFigures {
  readonly tasks: number;
  readonly onTime: number;
  /** onTime / tasks. */
  readonly share: number;
  /** Tasks opened during the outage, and how many of them finished in time. */
  readonly outageTasks: number;
  readonly outageOnTime: number;
  readonly outageShare: number;
}

/** What happened to the observers' polls and their requests. */
export interface ObserverFigures {
  readonly polls: number;
  readonly answered: number;
  /** Requests (first tries and retries) that reached the pool. */
  readonly requests: number;
  /** Shed from the bulkhead's queue for diagnostic work. */
  readonly shed: number;
  /** Refused by the full bulkhead. */
  readonly refusedFull: number;
  /** Refused by the observer's own open breaker: the pool was never asked. */
  readonly refusedByBreaker: number;
  /** Breaker transitions into open. */
  readonly breakerTrips: number;
}

/** The figures of one run. */
export interface RunFigures {
  readonly diagnostic: DiagnosticFigures;
  readonly observer: ObserverFigures;
  readonly pool: Readonly<PoolStats>;
}

/** Both runs of one seed. */
export interface StampedeFigures {
  readonly seed: string;
  /** (a) every agent straight into the pool's shared FIFO queue. */
  readonly plain: RunFigures;
  /** (b) a bulkhead with priority classes in front of the pool, a breaker per observer. */
  readonly protected: RunFigures;
}

type Mode = 'plain' | 'protected';

function inOutage(t: number): boolean {
  return t >= MODEL.start + MODEL.outage.fromMs && t < MODEL.start + MODEL.outage.toMs;
}

async function runOnce(seed: string, mode: Mode): Promise<RunFigures> {
  const sim = new Simulation(MODEL.start);
  // The workload (arrivals, phases) draws from one stream and the pool from another, so both runs of a seed see
  // the same tasks at the same times and differ only in how the pool is reached.
  const workload = uniformSource(seededRandom(`${seed}/workload`));
  const poolRandom = uniformSource(seededRandom(`${seed}/pool`));
  const model: PoolModel = {
    capacity: (t) => (inOutage(t) ? MODEL.pool.outageCapacity : MODEL.pool.normalCapacity),
    errorRate: (t) => (inOutage(t) ? MODEL.pool.outageErrorRate : 0),
    serviceMs: MODEL.pool.serviceMs,
    queueTimeoutMs: MODEL.pool.queueTimeoutMs,
  };
  const pool = new InferencePool(sim, model, poolRandom);
  sim.at(MODEL.start + MODEL.outage.toMs, () => pool.pump());
  const end = MODEL.start + MODEL.durationMs;

  const bulkhead = new Bulkhead({
    name: 'inference-pool',
    priorities: ['critical', 'high', 'normal', 'low'],
    ...MODEL.bulkhead,
  });
  const breakerRandom = uniformSource(seededRandom(`${seed}/breakers`));
  let breakerTrips = 0;
  const breakers = Array.from({ length: MODEL.observerAgents }, (_, i) => {
    const b = new CircuitBreaker({
      id: `observer-${i}/pool`,
      dependency: 'inference-pool',
      domain: 'inference',
      window: { kind: 'count', size: 10 },
      minimumCalls: 5,
      failureRateThreshold: 0.5,
      openDurationMs: 10_000,
      backoff: { multiplier: 2, maxMs: 80_000, jitter: 0.5 },
      halfOpenSuccesses: 1,
      clock: sim.clock,
      random: breakerRandom,
    });
    b.onTransition((t) => {
      if (t.to === 'open') breakerTrips++;
    });
    return b;
  });

  const d = { tasks: 0, onTime: 0, outageTasks: 0, outageOnTime: 0 };
  const o = { polls: 0, answered: 0, requests: 0, shed: 0, refusedFull: 0, refusedByBreaker: 0 };

  const askPool = (caller: 'diagnostic' | 'observer') => () => {
    if (caller === 'observer') o.requests++;
    return pool.request(caller);
  };

  async function diagnose(opened: number): Promise<void> {
    const deadline = opened + MODEL.deadlineMs;
    const outage = inOutage(opened);
    d.tasks++;
    if (outage) d.outageTasks++;
    while (sim.now < deadline) {
      try {
        if (mode === 'plain') await pool.request('diagnostic');
        else await bulkhead.run(askPool('diagnostic'), { priority: 'critical' });
        if (sim.now <= deadline) {
          d.onTime++;
          if (outage) d.outageOnTime++;
        }
        return;
      } catch {
        await sim.sleep(MODEL.diagnosticRetryMs);
      }
    }
  }

  async function poll(observer: number): Promise<void> {
    o.polls++;
    for (let attempt = 0; attempt <= MODEL.observerRetries; attempt++) {
      try {
        if (mode === 'plain') await askPool('observer')();
        else await breakers[observer]!.execute(() => bulkhead.run(askPool('observer'), { priority: 'low' }));
        o.answered++;
        return;
      } catch (e) {
        if (isSafetyNetError(e, 'ERR_CP_CIRCUIT_OPEN')) {
          o.refusedByBreaker++;
          return; // the breaker says the pool is down: skip this poll instead of hammering it
        }
        if (isSafetyNetError(e, 'ERR_CP_BULKHEAD_SHED')) o.shed++;
        if (isSafetyNetError(e, 'ERR_CP_BULKHEAD_FULL')) o.refusedFull++;
        await sim.sleep(MODEL.observerRetryMs);
      }
    }
  }

  // Diagnostic tasks: Poisson arrivals per agent.
  for (let a = 0; a < MODEL.diagnosticAgents; a++) {
    for (let t = MODEL.start - Math.log(1 - workload()) * MODEL.diagnosticEveryMs; t < end - MODEL.deadlineMs; ) {
      const opened = Math.round(t);
      sim.at(opened, () => void diagnose(opened));
      t += -Math.log(1 - workload()) * MODEL.diagnosticEveryMs;
    }
  }
  // Observers: fixed period, random phase, ±10 % jitter per poll.
  for (let i = 0; i < MODEL.observerAgents; i++) {
    for (let t = MODEL.start + workload() * MODEL.observerEveryMs; t < end; ) {
      sim.at(Math.round(t), () => void poll(i));
      t += MODEL.observerEveryMs * (0.9 + 0.2 * workload());
    }
  }
  await sim.run(end + MODEL.pool.queueTimeoutMs + MODEL.deadlineMs);

  const bulkheadStats = bulkhead.stats();
  if (mode === 'protected' && (bulkheadStats.shed !== o.shed || bulkheadStats.rejected !== o.refusedFull)) {
    throw new Error('telecom stampede: bulkhead counters disagree with what the observers saw');
  }
  return {
    diagnostic: {
      ...d,
      share: d.tasks === 0 ? 0 : d.onTime / d.tasks,
      outageShare: d.outageTasks === 0 ? 0 : d.outageOnTime / d.outageTasks,
    },
    observer: { ...o, breakerTrips },
    pool: { ...pool.stats },
  };
}

/**
 * The seed's telecom stampede: 10 diagnostic agents and 40 observers share an inference pool that drops from 16 to
 * 4 servers, with 30 % errors, for ten minutes. Run (a) sends everyone into the pool's FIFO queue; run (b) puts a
 * bulkhead with priority classes and capacity reserved for diagnosis in front of it, and a circuit breaker on each
 * observer. Seeded discrete-event simulation on a virtual clock: the same seed gives the same figures.
 *
 * @example
 * ```ts
 * const { plain, protected: guarded } = await runTelecomStampede({ seed: 'ops-2026-05-12' });
 * console.log(plain.diagnostic.outageShare, guarded.diagnostic.outageShare);
 * ```
 */
export async function runTelecomStampede(options: { readonly seed: string }): Promise<StampedeFigures> {
  return {
    seed: options.seed,
    plain: await runOnce(options.seed, 'plain'),
    protected: await runOnce(options.seed, 'protected'),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The figures as a short readable summary. */
export function formatStampede(f: StampedeFigures): string {
  const line = (name: string, r: RunFigures) =>
    [
      `  ${name}`,
      `    diagnostic tasks in time: ${r.diagnostic.onTime}/${r.diagnostic.tasks} (${pct(r.diagnostic.share)}); ` +
        `opened during the outage: ${r.diagnostic.outageOnTime}/${r.diagnostic.outageTasks} (${pct(r.diagnostic.outageShare)})`,
      `    observer polls answered: ${r.observer.answered}/${r.observer.polls}; requests to the pool ${r.observer.requests}; ` +
        `shed ${r.observer.shed}, refused full ${r.observer.refusedFull}, skipped by open breaker ${r.observer.refusedByBreaker} ` +
        `(${r.observer.breakerTrips} trips)`,
      `    pool: served ${r.pool.served}, model errors ${r.pool.errors}, timed out in queue ${r.pool.timedOut}`,
    ].join('\n');
  return [
    line('(a) shared FIFO pool, no bulkhead', f.plain),
    line('(b) bulkhead with priorities + observer breakers', f.protected),
  ].join('\n');
}

import {
  type Clock,
  type EctDag,
  type KeyResolver,
  type PrivateKey,
  type RandomSource,
  randomUuid,
  systemClock,
  systemRandom,
} from '@safety-net/core';
import { MAX_EXCERPT_LIFETIME_SECONDS } from '../messages/common.js';
import { resolveTimer, type Timer } from '../policy/timer.js';
import { checkInt, checkName, invalid } from '../util/checks.js';
import type { CheckpointLookup } from './checkpoints.js';
import { MemoryRollbackStore } from './memory-store.js';
import type { PlanOptions } from './options.js';
import type { RollbackStore } from './store.js';
import type { RollbackTransport } from './transport.js';

/** Retries of one compensation: exponential backoff with jitter, never past the rollback's deadline. */
export interface RetryOptions {
  /**
   * Calls per step that came back with a failure, over all runs of the coordinator (a call cut short by a crash of
   * the coordinator does not count). Also the calls per fence and per release within one run. Default 5.
   */
  readonly attempts?: number;
  /** Delay before the second call, ms. Default 200. */
  readonly baseDelayMs?: number;
  /** Longest delay between calls, ms. Default 5 000. */
  readonly maxDelayMs?: number;
}

/** Options of a {@link RollbackCoordinator}. */
export interface CoordinatorOptions {
  /** The coordinator's identifier: `iss` of its messages. */
  readonly iss: string;
  /** Signs requests, plans, excerpts and Rollback Complete. */
  readonly key: PrivateKey;
  /** The workflow's ECT DAG: planned over, and where the rollback's own messages are recorded. */
  readonly dag: EctDag<unknown>;
  /** The checkpoint of a task (verified Checkpoint claims fit as they are). */
  readonly checkpoints: CheckpointLookup;
  /** Keys of the participants, bound to their agent ids: Compensation Results are verified against them. */
  readonly participants: KeyResolver;
  readonly transport: RollbackTransport;
  /** Durable progress; default in memory. Use `SqliteRollbackStore` to survive a restart. */
  readonly store?: RollbackStore;
  readonly retry?: RetryOptions;
  /** Longest wait for one participant call, ms. Default 10 000. */
  readonly callTimeoutMs?: number;
  /** Lifetime of plan excerpts, seconds. Default 300. */
  readonly excerptLifetimeSeconds?: number;
  readonly plan?: PlanOptions;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /**
   * This coordinator instance's stable identifier, the holder of the rollback leases it takes (spec §6.6). Give a
   * process the same id across restarts, so that a restarted instance takes its rollbacks back at once; two
   * instances running at the same time need different ids. Default: a new random id, so a restarted coordinator
   * waits for the previous lease to expire.
   */
  readonly instance?: string;
  /** How long a lease lasts without renewal, ms. It is renewed before every participant call. Default 30 000. */
  readonly leaseTtlMs?: number;
  /**
   * Schedules the deadline of each participant call (`callTimeoutMs`) and, unless `sleep` is given, the waits
   * between retries. Default: real timers. Tests and simulations inject a virtual one.
   */
  readonly timer?: Timer;
  /** Waits between retries; default a wait on `timer`. Simulations that move their clock themselves inject one. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Options with every default filled in. */
export interface ResolvedCoordinatorOptions extends Required<Omit<CoordinatorOptions, 'retry' | 'plan'>> {
  readonly retry: Required<RetryOptions>;
  readonly plan: PlanOptions;
}

/** Fills in defaults and checks ranges (`ERR_CP_CONFIG_INVALID`). */
export function resolveCoordinatorOptions(options: CoordinatorOptions): ResolvedCoordinatorOptions {
  const retry = {
    attempts: checkInt(options.retry?.attempts, 'retry.attempts', 1, 1000, 5),
    baseDelayMs: checkInt(options.retry?.baseDelayMs, 'retry.baseDelayMs', 1, 3_600_000, 200),
    maxDelayMs: checkInt(options.retry?.maxDelayMs, 'retry.maxDelayMs', 1, 3_600_000, 5000),
  };
  if (retry.maxDelayMs < retry.baseDelayMs) invalid('retry.maxDelayMs is below retry.baseDelayMs');
  const timer = resolveTimer(options.timer);
  return {
    ...options,
    store: options.store ?? new MemoryRollbackStore(),
    retry,
    callTimeoutMs: checkInt(options.callTimeoutMs, 'callTimeoutMs', 1, 3_600_000, 10_000),
    excerptLifetimeSeconds: checkInt(
      options.excerptLifetimeSeconds,
      'excerptLifetimeSeconds',
      1,
      MAX_EXCERPT_LIFETIME_SECONDS,
      300,
    ),
    plan: options.plan ?? {},
    instance:
      options.instance === undefined
        ? randomUuid(options.random ?? systemRandom)
        : checkName(options.instance, 'instance'),
    leaseTtlMs: checkInt(options.leaseTtlMs, 'leaseTtlMs', 1, 86_400_000, 30_000),
    clock: options.clock ?? systemClock,
    random: options.random ?? systemRandom,
    timer,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => timer.after(ms, resolve))),
  };
}

import { cpError } from '../errors.js';
import type { Policy, PolicyContext } from '../policy/policy.js';
import { abortedError, NEVER_ABORTED } from '../util/abortable.js';
import { invalid } from '../util/checks.js';
import { type BulkheadOptions, type ResolvedBulkheadOptions, resolveBulkheadOptions } from './options.js';
import { ClassQueues, type QueueNode } from './queue.js';

/** Per-task options of {@link Bulkhead.run}. */
export interface RunOptions {
  /** A priority class of the bulkhead; default its lowest. */
  readonly priority?: string;
  /** Aborting removes a queued task, or stops waiting for a running one; the function receives it too. */
  readonly signal?: AbortSignal;
}

/** Counters of a bulkhead. */
export interface BulkheadStats {
  readonly name: string;
  readonly isolated: boolean;
  readonly active: number;
  readonly queued: number;
  readonly activeByClass: Readonly<Record<string, number>>;
  readonly queuedByClass: Readonly<Record<string, number>>;
  /** Tasks that started running. */
  readonly started: number;
  /** Started tasks whose function settled (the slot was released). */
  readonly completed: number;
  /** Queued tasks shed for higher-priority work. */
  readonly shed: number;
  /** Tasks refused because the domain and its queue were full. */
  readonly rejected: number;
  /** Tasks refused or dropped from the queue because the domain was isolated. */
  readonly refusedIsolated: number;
  /** Tasks whose signal aborted before they settled. */
  readonly aborted: number;
}

interface Task extends QueueNode {
  readonly fn: (signal: AbortSignal) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** The caller's promise has settled (the slot may still be held). */
  done: boolean;
}

/**
 * A failure domain with a concurrency limit, a bounded queue and priority classes (spec §4): highest class first,
 * FIFO within a class, reserved slots per class, shedding of the lowest class when the queue is full, aborts and
 * isolation.
 *
 * @example
 * ```ts
 * const pool = new Bulkhead({ name: 'inference', maxConcurrent: 8, maxQueue: 32, reserved: { critical: 4 } });
 * const answer = await pool.run((signal) => infer(prompt, signal), { priority: 'critical' });
 * ```
 */
export class Bulkhead implements Policy {
  private readonly o: ResolvedBulkheadOptions;
  private readonly queues: ClassQueues<Task>;
  private readonly activeByClass: Uint32Array;
  private active = 0;
  private isolated = false;
  private started = 0;
  private completed = 0;
  private shed = 0;
  private rejected = 0;
  private refusedIsolated = 0;
  private aborted = 0;

  constructor(options: BulkheadOptions) {
    this.o = resolveBulkheadOptions(options);
    this.queues = new ClassQueues<Task>(this.o.priorities.length);
    this.activeByClass = new Uint32Array(this.o.priorities.length);
  }

  /** The failure domain's name. */
  get name(): string {
    return this.o.name;
  }

  /** The priority classes, highest first. */
  get priorities(): readonly string[] {
    return this.o.priorities;
  }

  /** Whether {@link isolate} is in force. */
  get isIsolated(): boolean {
    return this.isolated;
  }

  /**
   * Runs `fn` in the domain: at once when a slot is free for its class, else queued, shed or refused (spec §4).
   * Settles exactly once: with `fn`'s outcome, or `ERR_CP_BULKHEAD_FULL`, `ERR_CP_BULKHEAD_SHED`,
   * `ERR_CP_ABORTED`, `ERR_CP_DOMAIN_ISOLATED`, `ERR_CP_CONFIG_INVALID`.
   */
  run<T>(fn: (signal: AbortSignal) => T | PromiseLike<T>, options: RunOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      try {
        this.submit(fn, options, resolve as (value: unknown) => void, reject);
      } catch (error) {
        reject(error);
      }
    });
  }

  /**
   * {@link Bulkhead.run} in the {@link Policy} form, for {@link wrap}: the lowest priority class, the signal in the
   * function's context.
   */
  execute<T>(fn: (ctx: PolicyContext) => T | PromiseLike<T>, signal?: AbortSignal): Promise<T> {
    if (typeof fn !== 'function') return Promise.reject(cpError('ERR_CP_CONFIG_INVALID', 'execute needs a function'));
    return this.run((s) => fn({ signal: s }), signal === undefined ? {} : { signal });
  }

  private submit(
    fn: (signal: AbortSignal) => unknown,
    options: RunOptions,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ): void {
    if (typeof fn !== 'function') invalid('run needs a function');
    if (typeof options !== 'object' || options === null) invalid('run options must be an object');
    const { priority, signal } = options;
    const cls = priority === undefined ? this.o.priorities.length - 1 : this.o.classOf.get(priority);
    if (cls === undefined) invalid(`unknown priority class ${JSON.stringify(priority).slice(0, 64)}`);
    if (signal !== undefined && !(signal instanceof AbortSignal)) invalid('signal must be an AbortSignal');
    if (this.isolated) {
      this.refusedIsolated++;
      throw cpError('ERR_CP_DOMAIN_ISOLATED', this.o.name);
    }
    if (signal?.aborted) {
      this.aborted++;
      throw abortedError(signal, `${this.o.name}: aborted before it was submitted`);
    }
    const task: Task = {
      cls,
      fn,
      resolve,
      reject,
      signal,
      onAbort: undefined,
      done: false,
      prev: undefined,
      next: undefined,
      queued: false,
    };
    if (this.canStart(cls)) {
      this.start(task);
      return;
    }
    if (this.queues.size >= this.o.maxQueue) {
      const victim = this.queues.newestOfLowest();
      if (victim === undefined || victim.cls <= cls) {
        this.rejected++;
        throw cpError('ERR_CP_BULKHEAD_FULL', `${this.o.name}: ${this.active} running, ${this.queues.size} queued`);
      }
      this.dequeue(victim);
      this.shed++;
      this.settle(
        victim,
        false,
        cpError('ERR_CP_BULKHEAD_SHED', `${this.o.name}: shed for ${this.o.priorities[cls]} work`),
      );
    }
    this.enqueue(task);
  }

  /** Spec §4: `active + 1 + Σ over higher classes of their unmet reservations ≤ maxConcurrent`. */
  private canStart(cls: number): boolean {
    if (this.active >= this.o.maxConcurrent) return false;
    let held = 0;
    for (let q = 0; q < cls; q++) {
      const unmet = this.o.reserved[q]! - this.activeByClass[q]!;
      if (unmet > 0) held += unmet;
    }
    return this.active + 1 + held <= this.o.maxConcurrent;
  }

  private enqueue(task: Task): void {
    this.queues.push(task);
    const signal = task.signal;
    if (signal === undefined) return;
    task.onAbort = () => {
      this.dequeue(task);
      this.aborted++;
      this.settle(task, false, abortedError(signal, `${this.o.name}: aborted while queued`));
    };
    signal.addEventListener('abort', task.onAbort, { once: true });
  }

  private dequeue(task: Task): void {
    this.queues.remove(task);
    if (task.onAbort !== undefined) task.signal!.removeEventListener('abort', task.onAbort);
    task.onAbort = undefined;
  }

  private settle(task: Task, ok: boolean, result: unknown): void {
    if (task.done) return;
    task.done = true;
    if (ok) task.resolve(result);
    else task.reject(result);
  }

  private start(task: Task): void {
    this.active++;
    this.activeByClass[task.cls]!++;
    this.started++;
    const signal = task.signal;
    if (signal !== undefined) {
      // Running: an abort releases the caller at once; the slot stays held until the function settles.
      task.onAbort = () => {
        if (task.done) return;
        this.aborted++;
        this.settle(task, false, abortedError(signal, `${this.o.name}: aborted while running`));
      };
      signal.addEventListener('abort', task.onAbort, { once: true });
    }
    let pending: unknown;
    try {
      pending = task.fn(signal ?? NEVER_ABORTED);
    } catch (error) {
      pending = Promise.reject(error);
    }
    Promise.resolve(pending).then(
      (value) => this.finish(task, true, value),
      (error: unknown) => this.finish(task, false, error),
    );
  }

  private finish(task: Task, ok: boolean, result: unknown): void {
    if (task.onAbort !== undefined) task.signal!.removeEventListener('abort', task.onAbort);
    task.onAbort = undefined;
    this.active--;
    this.activeByClass[task.cls]!--;
    this.completed++;
    this.settle(task, ok, result);
    this.dispatch();
  }

  /** Starts queued tasks, highest class first, while slots allow; the condition only tightens as classes go down. */
  private dispatch(): void {
    for (let cls = 0; cls < this.o.priorities.length; cls++) {
      for (let head = this.queues.head(cls); head !== undefined && this.canStart(cls); head = this.queues.head(cls)) {
        this.dequeue(head);
        this.start(head);
      }
      if (this.queues.sizes[cls]! > 0) return;
    }
  }

  /**
   * Containment: refuses all new work and rejects every queued task with `ERR_CP_DOMAIN_ISOLATED`; running tasks
   * finish. Undone by {@link restore}.
   */
  isolate(detail?: string): void {
    this.isolated = true;
    const why = detail === undefined ? this.o.name : `${this.o.name}: ${String(detail).slice(0, 1024)}`;
    for (const task of this.queues.drain()) {
      if (task.onAbort !== undefined) task.signal!.removeEventListener('abort', task.onAbort);
      task.onAbort = undefined;
      this.refusedIsolated++;
      this.settle(task, false, cpError('ERR_CP_DOMAIN_ISOLATED', why));
    }
  }

  /** Accepts work again after {@link isolate}. */
  restore(): void {
    this.isolated = false;
  }

  /** Current counters. */
  stats(): BulkheadStats {
    const perClass = (counts: Uint32Array) => Object.fromEntries(this.o.priorities.map((p, i) => [p, counts[i]!]));
    return {
      name: this.o.name,
      isolated: this.isolated,
      active: this.active,
      queued: this.queues.size,
      activeByClass: perClass(this.activeByClass),
      queuedByClass: perClass(this.queues.sizes),
      started: this.started,
      completed: this.completed,
      shed: this.shed,
      rejected: this.rejected,
      refusedIsolated: this.refusedIsolated,
      aborted: this.aborted,
    };
  }
}

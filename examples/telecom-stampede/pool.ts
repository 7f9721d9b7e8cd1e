import type { Simulation } from './sim.js';

/** Who asks the pool: a diagnostic agent or an observer. */
export type Caller = 'diagnostic' | 'observer';

/** The shared inference pool's behaviour over time. */
export interface PoolModel {
  /** Requests served at once at time t. */
  readonly capacity: (t: number) => number;
  /** Share of served requests that fail at time t. */
  readonly errorRate: (t: number) => number;
  /** Mean service time per caller, ms; each request takes 0.5–1.5 × the mean. */
  readonly serviceMs: Readonly<Record<Caller, number>>;
  /** A request that waited this long in the pool's own FIFO queue fails with a timeout. */
  readonly queueTimeoutMs: number;
}

interface Job {
  readonly caller: Caller;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  state: 'queued' | 'serving' | 'done';
}

/** Counters of the pool. */
export interface PoolStats {
  served: number;
  errors: number;
  timedOut: number;
}

/**
 * The shared inference pool: one FIFO queue in front of `capacity(t)` servers, requests time out in the queue,
 * served requests fail at `errorRate(t)`. It knows nothing of priorities: every caller is alike to it.
 */
export class InferencePool {
  readonly stats: PoolStats = { served: 0, errors: 0, timedOut: 0 };
  private readonly queue: Job[] = [];
  private head = 0;
  private busy = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly model: PoolModel,
    private readonly random: () => number,
  ) {}

  /** One inference request; resolves when served, rejects on an error or a queue timeout. */
  request(caller: Caller): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const job: Job = { caller, resolve, reject, state: 'queued' };
      this.queue.push(job);
      this.sim.at(this.sim.now + this.model.queueTimeoutMs, () => {
        if (job.state !== 'queued') return;
        job.state = 'done';
        this.stats.timedOut++;
        reject(new Error('inference pool: timed out in queue'));
      });
      this.pump();
    });
  }

  /** Starts queued requests while servers are free; call again when capacity may have grown. */
  pump(): void {
    while (this.busy < this.model.capacity(this.sim.now) && this.head < this.queue.length) {
      const job = this.queue[this.head++]!;
      if (job.state !== 'queued') continue;
      job.state = 'serving';
      this.busy++;
      const ms = this.model.serviceMs[job.caller] * (0.5 + this.random());
      const failed = this.random() < this.model.errorRate(this.sim.now);
      this.sim.at(this.sim.now + ms, () => {
        this.busy--;
        job.state = 'done';
        if (failed) {
          this.stats.errors++;
          job.reject(new Error('inference pool: model error'));
        } else {
          this.stats.served++;
          job.resolve();
        }
        this.pump();
      });
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}

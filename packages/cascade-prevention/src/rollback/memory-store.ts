import { cpError } from '../errors.js';
import { type Lease, nextToken } from './lease.js';
import type { NewRollback, RollbackStore, StepState, StepStatus, StoredRollback } from './store.js';

interface Entry {
  readonly head: Omit<StoredRollback, 'steps' | 'complete' | 'released'>;
  readonly steps: Map<number, StepState>;
  complete?: Uint8Array;
  released: boolean;
  lease?: Lease;
}

/** A {@link RollbackStore} in memory: it survives a coordinator object, not a process. */
export class MemoryRollbackStore implements RollbackStore {
  readonly #entries = new Map<string, Entry>();

  async create(entry: NewRollback): Promise<StoredRollback> {
    if (!this.#entries.has(entry.rollback)) {
      const { steps, ...head } = entry;
      this.#entries.set(entry.rollback, {
        head,
        released: false,
        steps: new Map(steps.map((step) => [step, { step, status: 'pending', attempts: 0 }])),
      });
    }
    return this.#snapshot(this.#entries.get(entry.rollback)!);
  }

  async load(rollback: string): Promise<StoredRollback | undefined> {
    const e = this.#entries.get(rollback);
    return e && this.#snapshot(e);
  }

  async addAttempt(rollback: string, step: number): Promise<number> {
    const s = this.#step(rollback, step);
    this.#entries.get(rollback)!.steps.set(step, { ...s, attempts: s.attempts + 1 });
    return s.attempts + 1;
  }

  async settle(
    rollback: string,
    step: number,
    outcome: { status: Exclude<StepStatus, 'pending'>; result?: Uint8Array; reason?: string },
  ): Promise<void> {
    const s = this.#step(rollback, step);
    this.#entries.get(rollback)!.steps.set(step, { ...s, ...outcome });
  }

  async finish(rollback: string, complete: Uint8Array): Promise<void> {
    const e = this.#entries.get(rollback);
    if (!e) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', rollback);
    e.complete = complete;
  }

  async markReleased(rollback: string): Promise<void> {
    const e = this.#entries.get(rollback);
    if (!e) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', rollback);
    e.released = true;
  }

  async acquireLease(rollback: string, instance: string, ttlMs: number, now: number): Promise<number> {
    const e = this.#entries.get(rollback);
    if (!e) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', rollback);
    const token = nextToken(rollback, instance, now, e.lease);
    e.lease = { instance, token, until: now + ttlMs };
    return token;
  }

  async unfinished(): Promise<string[]> {
    return [...this.#entries.values()].filter((e) => !e.released).map((e) => e.head.rollback);
  }

  #step(rollback: string, step: number): StepState {
    const s = this.#entries.get(rollback)?.steps.get(step);
    if (!s) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', `${rollback} step ${step}`);
    return s;
  }

  #snapshot(e: Entry): StoredRollback {
    return {
      ...e.head,
      steps: [...e.steps.values()],
      released: e.released,
      ...(e.complete ? { complete: e.complete } : {}),
    };
  }
}

import { cpError } from '../errors.js';
import { checkInt } from '../util/checks.js';
import type { CompensationEntry } from './compensation-record.js';
import { type FenceHolder, holderKey } from './fence.js';
import type { Committed, ParticipantStore, StoredFences } from './participant-store.js';

/** Options of a {@link MemoryParticipantStore}. */
export interface MemoryParticipantStoreOptions {
  /**
   * Most entries held at once: compensation records, fence holders, ended plans and lease tokens together.
   * Default 100 000. Beyond it a new entry is `ERR_CP_STORE_FULL`.
   */
  readonly capacity?: number;
}

/**
 * A {@link ParticipantStore} in memory, bounded: it survives a participant object, not a process, so it suits
 * tests and participants whose compensations are idempotent anyway. A plan's compensation records and lease token
 * are dropped when its Rollback Complete is applied (no excerpt of that plan is accepted afterwards), and ended
 * plans once they can no longer be replayed; what is still live beyond `capacity` is refused with
 * `ERR_CP_STORE_FULL` rather than grown without bound.
 */
export class MemoryParticipantStore implements ParticipantStore<undefined> {
  readonly #capacity: number;
  readonly #records = new Map<string, { attempts: number; result?: Uint8Array; holder?: string }>();
  readonly #fences = new Map<string, { holder: FenceHolder; resources: Set<string> }>();
  readonly #ended = new Map<string, number>();
  readonly #tokens = new Map<string, number>();

  constructor(options: MemoryParticipantStoreOptions = {}) {
    this.#capacity = checkInt(options.capacity, 'capacity', 1, 1e9, 100_000);
  }

  /** Entries held now (records, fence holders, ended plans and lease tokens). */
  get size(): number {
    return this.#records.size + this.#fences.size + this.#ended.size + this.#tokens.size;
  }

  async get(key: string): Promise<CompensationEntry | undefined> {
    const e = this.#records.get(key);
    return e && { attempts: e.attempts, ...(e.result ? { result: e.result } : {}) };
  }

  async addAttempt(key: string, holder?: FenceHolder): Promise<number> {
    const e = this.#record(key, holder);
    e.attempts += 1;
    return e.attempts;
  }

  async setResult(key: string, result: Uint8Array, holder?: FenceHolder): Promise<void> {
    this.#record(key, holder).result = result;
  }

  async commit<R>(
    key: string,
    holder: FenceHolder,
    effect: (tx: undefined) => R | Promise<R>,
    sign: (value: R) => Uint8Array,
  ): Promise<Committed<R>> {
    const known = this.#records.get(key)?.result;
    if (known) return { ran: false, result: known };
    const value = await effect(undefined);
    const result = sign(value);
    this.#record(key, holder).result = result;
    return { ran: true, value, result };
  }

  async fences(): Promise<StoredFences[]> {
    return [...this.#fences.values()].map((f) => ({ holder: f.holder, resources: [...f.resources] }));
  }

  async raise(holder: FenceHolder, resources: readonly string[]): Promise<boolean> {
    const key = holderKey(holder);
    if (this.#ended.has(key)) return false;
    const mine = this.#fences.get(key) ?? { holder: { ...holder }, resources: new Set<string>() };
    if (!this.#fences.has(key)) this.#reserve();
    this.#fences.set(key, mine);
    for (const r of resources) mine.resources.add(r);
    return true;
  }

  async end(holder: FenceHolder, until: number, now: number): Promise<void> {
    for (const [key, at] of this.#ended) if (at < now) this.#ended.delete(key);
    const key = holderKey(holder);
    this.#fences.delete(key);
    this.#tokens.delete(key);
    for (const [k, e] of this.#records) if (e.holder === key) this.#records.delete(k);
    this.#ended.set(key, until);
  }

  async ended(holder: FenceHolder): Promise<boolean> {
    return this.#ended.has(holderKey(holder));
  }

  async releaseRollback(rollback: string): Promise<void> {
    for (const [key, f] of this.#fences) if (f.holder.rollback === rollback) this.#fences.delete(key);
  }

  async observeLease(holder: FenceHolder, token: number): Promise<void> {
    const key = holderKey(holder);
    const seen = this.#tokens.get(key);
    if (seen !== undefined && token < seen) throw cpError('ERR_CP_LEASE_LOST', `token ${token} is below ${seen}`);
    if (seen === undefined) this.#reserve();
    this.#tokens.set(key, token);
  }

  #record(key: string, holder?: FenceHolder) {
    let e = this.#records.get(key);
    if (!e) {
      this.#reserve();
      e = { attempts: 0, ...(holder ? { holder: holderKey(holder) } : {}) };
      this.#records.set(key, e);
    }
    return e;
  }

  /** Makes room for one more entry, or refuses it. */
  #reserve(): void {
    if (this.size < this.#capacity) return;
    throw cpError('ERR_CP_STORE_FULL', `${this.#capacity} entries are held by rollbacks not yet complete`);
  }
}

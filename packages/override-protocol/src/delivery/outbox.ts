import { snError } from '@safety-net/core';
import { ovError } from '../errors.js';
import { MAX_SIGNAL_BYTES } from '../guard/guard.js';

/** The registry names an agent's outbox carries (spec §7.2). */
export const OUTBOX_EVENT_NAMES: ReadonlySet<string> = new Set([
  'ov-signal',
  'ov-policy',
  'ov-revocation',
  'ov-lease',
  'ov-approval-decision',
]);

/** Events an outbox keeps per agent by default (spec §4.11). */
export const MAX_OUTBOX_EVENTS = 10_000;

/** One event of an agent's outbox: its position (strictly increasing per agent), registry name and COSE bytes. */
export interface OutboxEntry {
  readonly position: number;
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * What pull delivery reads (spec §7.2, §7.3): the per-agent outbox of a control plane. A store that keeps the
 * outbox durably implements the same two calls.
 */
export interface Outbox {
  /** Up to `limit` entries of `agent` with a position greater than `position`, in order. */
  after(agent: string, position: number, limit: number): Promise<OutboxEntry[]>;
  /**
   * Resolves once `agent` has an entry after `position` (at once when it already has), or when `signal` aborts:
   * long-poll and live streams wait on it instead of polling.
   */
  waitFor(agent: string, position: number, signal: AbortSignal): Promise<void>;
}

/** Options of {@link MemoryOutbox}. */
export interface MemoryOutboxOptions {
  /** Events kept per agent; older ones are dropped first. Default {@link MAX_OUTBOX_EVENTS}. */
  readonly maxEvents?: number;
}

/** An {@link Outbox} in memory, for tests and a single control-plane process. */
export class MemoryOutbox implements Outbox {
  readonly #max: number;
  readonly #entries = new Map<string, OutboxEntry[]>();
  readonly #last = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(options: MemoryOutboxOptions = {}) {
    const max = options.maxEvents ?? MAX_OUTBOX_EVENTS;
    if (!Number.isSafeInteger(max) || max < 1) throw ovError('ERR_OV_CONFIG_INVALID', 'maxEvents must be ≥ 1');
    this.#max = max;
  }

  /** Appends a message for `agent` at the next position and wakes its waiters. */
  append(agent: string, name: string, bytes: Uint8Array): OutboxEntry {
    if (!OUTBOX_EVENT_NAMES.has(name)) throw snError('ERR_INPUT_INVALID', `${name} is not an outbox event`);
    if (bytes.length > MAX_SIGNAL_BYTES) throw snError('ERR_INPUT_TOO_LARGE', `message over ${MAX_SIGNAL_BYTES} bytes`);
    const entry = { position: (this.#last.get(agent) ?? 0) + 1, name, bytes };
    this.#last.set(agent, entry.position);
    const list = this.#entries.get(agent) ?? [];
    list.push(entry);
    if (list.length > this.#max) list.splice(0, list.length - this.#max);
    this.#entries.set(agent, list);
    const waiters = this.#waiters.get(agent);
    this.#waiters.delete(agent);
    for (const wake of waiters ?? []) wake();
    return entry;
  }

  async after(agent: string, position: number, limit: number): Promise<OutboxEntry[]> {
    const list = this.#entries.get(agent) ?? [];
    const out: OutboxEntry[] = [];
    for (const e of list) {
      if (out.length >= limit) break;
      if (e.position > position) out.push(e);
    }
    return out;
  }

  waitFor(agent: string, position: number, signal: AbortSignal): Promise<void> {
    if ((this.#last.get(agent) ?? 0) > position || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        signal.removeEventListener('abort', cancel);
        resolve();
      };
      const cancel = () => {
        this.#waiters.get(agent)?.delete(wake);
        resolve();
      };
      signal.addEventListener('abort', cancel, { once: true });
      const set = this.#waiters.get(agent) ?? new Set();
      set.add(wake);
      this.#waiters.set(agent, set);
    });
  }
}

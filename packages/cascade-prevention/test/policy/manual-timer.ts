import type { Clock } from '@safety-net/core';
import type { Timer } from '../../src/policy/timer.js';

/** Lets queued promise callbacks (and the callbacks they queue) run. */
export const flush = (): Promise<void> => new Promise<void>((r) => setImmediate(r));

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  live: boolean;
}

/**
 * A virtual clock and timer in one, for policies and breakers alike: time moves only by {@link advance}, which
 * runs due callbacks in order (ties in scheduling order) and lets promise callbacks run after each.
 */
export class ManualTimer implements Timer, Clock {
  private t: number;
  private seq = 0;
  private entries: Entry[] = [];

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): () => void {
    const entry: Entry = { at: this.t + ms, seq: this.seq++, fn, live: true };
    this.entries.push(entry);
    return () => {
      entry.live = false;
    };
  }

  /** Scheduled callbacks not yet run or cancelled. */
  get pending(): number {
    return this.entries.filter((e) => e.live).length;
  }

  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      this.entries = this.entries.filter((e) => e.live);
      let next: Entry | undefined;
      for (const e of this.entries) {
        if (e.at <= end && (next === undefined || e.at < next.at || (e.at === next.at && e.seq < next.seq))) next = e;
      }
      if (next === undefined) break;
      next.live = false;
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await flush();
  }

  /** Advances until nothing is scheduled (at most `limit` ms), promise callbacks included. */
  async runAll(limit = 3_600_000): Promise<void> {
    const end = this.t + limit;
    for (await flush(); this.pending > 0 && this.t < end; await flush()) {
      const next = Math.min(...this.entries.filter((e) => e.live).map((e) => e.at));
      await this.advance(Math.max(0, Math.min(next, end) - this.t));
    }
  }
}

/** A promise's outcome as text: `value:…`, the code of a Safety Net error, or `error:message`. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    return `value:${String(await p)}`;
  } catch (e) {
    const code = (e as { code?: unknown })?.code;
    return typeof code === 'string' ? code : `error:${(e as Error)?.message}`;
  }
}

/** A function that never settles on its own and rejects with its signal's reason when aborted (as fetch does). */
export function hangs(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Follows a promise: whether it settled yet, when on `clock`, and how (as {@link outcome}). */
export function track(p: Promise<unknown>, clock: Clock): { done: boolean; at?: number; result?: string } {
  const t: { done: boolean; at?: number; result?: string } = { done: false };
  void outcome(p).then((result) => {
    t.done = true;
    t.at = clock.now();
    t.result = result;
  });
  return t;
}

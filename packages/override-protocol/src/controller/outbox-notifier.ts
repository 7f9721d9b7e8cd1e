import type { OutboxEntry } from './store.js';

/**
 * Wakes the readers of an agent's outbox when entries are appended in this process: what lets a long-poll or an
 * event stream answer at once instead of polling the store.
 */
export class OutboxNotifier {
  readonly #waiting = new Map<string, Set<() => void>>();

  /** Wakes everyone waiting on `agent`. Call after the transaction that appended is committed. */
  notify(agent: string): void {
    const waiters = this.#waiting.get(agent);
    this.#waiting.delete(agent);
    for (const wake of waiters ?? []) wake();
  }

  /**
   * Resolves once `read` (the outbox after the reader's position) finds an entry, or when `abort` fires. Registers
   * before reading, so that an append between the read and the wait is not missed.
   */
  async wait(agent: string, read: () => Promise<readonly OutboxEntry[]>, abort?: AbortSignal): Promise<void> {
    while (!abort?.aborted) {
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const waiters = this.#waiting.get(agent) ?? new Set();
      waiters.add(wake);
      this.#waiting.set(agent, waiters);
      const stop = () => wake();
      abort?.addEventListener('abort', stop, { once: true });
      try {
        if ((await read()).length > 0) return;
        await woken;
      } finally {
        waiters.delete(wake);
        abort?.removeEventListener('abort', stop);
      }
    }
  }
}

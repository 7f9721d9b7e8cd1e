import { toBase64Url } from '@safety-net/core';
import type { GuardTimers } from '../guard/options.js';
import type { Outbox, OutboxEntry } from './outbox.js';

/** Entries read from the outbox per step of a stream or a long-poll. */
export const OUTBOX_BATCH = 100;
/** The reconnection time a stream asks of its clients, ms (spec §7.2). */
export const SSE_RETRY_MS = 1000;

/** One outbox entry as an event (spec §7.2): its position as `id`, its registry name as `event`, base64url data. */
export function sseEvent(entry: OutboxEntry): string {
  return `id: ${entry.position}\nevent: ${entry.name}\ndata: ${toBase64Url(entry.bytes)}\n\n`;
}

/**
 * The Server-Sent Events stream of an agent's outbox from after `position` (spec §7.2): `retry: 1000` first, every
 * entry in order, then live ones as the outbox gets them, and a `: keep-alive` comment every `keepAliveMs`. Entries
 * are read only as fast as the client takes them; the stream ends its work when the client goes (`signal`).
 */
export function eventStream(
  outbox: Outbox,
  agent: string,
  position: number,
  options: { readonly timers: GuardTimers; readonly keepAliveMs: number; readonly signal: AbortSignal },
): ReadableStream<Uint8Array> {
  const { timers, keepAliveMs } = options;
  const encoder = new TextEncoder();
  const gone = new AbortController();
  let keepAlive: unknown;
  let at = position;
  let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  const stop = () => {
    gone.abort();
    timers.clear(keepAlive);
    // Ends the body too, for a reader whose transport does not end it when the client goes.
    try {
      stream?.close();
    } catch {
      // already closed or cancelled
    }
  };
  options.signal.addEventListener('abort', stop, { once: true });
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stream = controller;
        controller.enqueue(encoder.encode(`retry: ${SSE_RETRY_MS}\n\n`));
        const beat = () => {
          keepAlive = timers.set(keepAliveMs, () => {
            if (gone.signal.aborted) return;
            try {
              controller.enqueue(encoder.encode(': keep-alive\n'));
            } catch {
              return stop(); // the client is gone
            }
            beat();
          });
        };
        beat();
      },
      async pull(controller) {
        while (!gone.signal.aborted) {
          const entries = await outbox.after(agent, at, OUTBOX_BATCH);
          if (gone.signal.aborted) return;
          if (entries.length > 0) {
            controller.enqueue(encoder.encode(entries.map(sseEvent).join('')));
            at = entries.at(-1)!.position;
            return;
          }
          await outbox.waitFor(agent, at, gone.signal);
        }
      },
      cancel() {
        stream = undefined;
        stop();
      },
    },
    { highWaterMark: 0 },
  );
}

import { encodeCbor } from '@safety-net/core';
import type { GuardTimers } from '../guard/options.js';
import { OUTBOX_BATCH } from './event-stream.js';
import type { Outbox, OutboxEntry } from './outbox.js';

/** Largest long-poll answer (spec §4.11). */
export const MAX_LONG_POLL_BYTES = 1024 * 1024;
/** Default and longest long-poll wait, seconds (spec §4.11). */
export const DEFAULT_LONG_POLL_WAIT = 25;
export const MAX_LONG_POLL_WAIT = 60;

/** The entries after `position`, waiting up to `waitSeconds` for the first one (or until the client goes). */
async function entriesAfter(
  outbox: Outbox,
  agent: string,
  position: number,
  waitSeconds: number,
  timers: GuardTimers,
  signal: AbortSignal,
): Promise<OutboxEntry[]> {
  const ready = await outbox.after(agent, position, OUTBOX_BATCH);
  if (ready.length > 0 || waitSeconds === 0) return ready;
  const waiting = new AbortController();
  const stop = () => waiting.abort();
  const timer = timers.set(waitSeconds * 1000, stop);
  signal.addEventListener('abort', stop, { once: true });
  try {
    await outbox.waitFor(agent, position, waiting.signal);
  } finally {
    timers.clear(timer);
    signal.removeEventListener('abort', stop);
  }
  return signal.aborted ? [] : outbox.after(agent, position, OUTBOX_BATCH);
}

/**
 * A long-poll answer (spec §7.3): `200` with a CBOR array of `[position, registry-name, bytes]`, in order and at
 * most {@link MAX_LONG_POLL_BYTES} (at least one entry), as soon as there is any; `204` after the wait otherwise.
 */
export async function longPoll(
  outbox: Outbox,
  agent: string,
  position: number,
  waitSeconds: number,
  options: { readonly timers: GuardTimers; readonly signal: AbortSignal },
): Promise<Response> {
  const entries = await entriesAfter(outbox, agent, position, waitSeconds, options.timers, options.signal);
  if (entries.length === 0) return new Response(null, { status: 204 });
  const triples: [number, string, Uint8Array][] = [];
  // Each triple costs its bytes and name plus at most 16 bytes of CBOR heads: a bound, not the exact size.
  let size = 1 + 8;
  for (const e of entries) {
    size += e.bytes.length + e.name.length + 16;
    if (triples.length > 0 && size > MAX_LONG_POLL_BYTES) break;
    triples.push([e.position, e.name, e.bytes]);
  }
  return new Response(encodeCbor(triples), { status: 200, headers: { 'content-type': 'application/cbor' } });
}

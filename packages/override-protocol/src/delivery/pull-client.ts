import { decodeCbor, fromBase64Url, isSafetyNetError, type SafetyNetError, snError } from '@safety-net/core';
import { mediaTypeOf, readBody } from '@safety-net/core/internal';
import { ovError } from '../errors.js';
import type { OverrideGuard } from '../guard/guard.js';
import type { GuardTimers } from '../guard/options.js';
import { SSE_RETRY_MS } from './event-stream.js';
import { type HeartbeatSource, postHeartbeats } from './heartbeats.js';
import { DEFAULT_LONG_POLL_WAIT, MAX_LONG_POLL_BYTES, MAX_LONG_POLL_WAIT } from './long-poll.js';
import { SseParser } from './sse-parser.js';
import { sleep, systemTimers } from './timers.js';

/**
 * What a puller hands messages to: the agent's guard. A guard with a dead-man's switch also takes the `ov-lease`
 * events (`acceptLease`) and signs the heartbeats posted to `heartbeats` (`heartbeat`).
 */
export type PullTarget = Pick<OverrideGuard, 'receive' | 'acceptPolicy' | 'acceptRevocation'> &
  Partial<Pick<OverrideGuard, 'acceptLease' | 'heartbeat'>>;

/** Options of {@link pullSignals}. */
export interface PullOptions {
  /** The agent's events URL, `C/agents/{agent}/events`. */
  readonly url: string | URL;
  /** Where acknowledgements go, `C/acks` (spec §7.2). */
  readonly acks: string | URL;
  /**
   * Where heartbeats go, `C/heartbeats` (spec §9): with it, the guard's signed Heartbeat is posted at once and then
   * every `ttl` / 3 of its lease, and each answering Lease handed to the guard. Needs a guard with a dead-man's
   * switch (`heartbeat`, `acceptLease`).
   */
  readonly heartbeats?: string | URL;
  readonly guard: PullTarget;
  /** Server-Sent Events (default) or long-poll. */
  readonly transport?: 'sse' | 'long-poll';
  /** Stops pulling: {@link pullSignals} then resolves. */
  readonly signal: AbortSignal;
  /** The position to resume after (the last one processed before a restart). Default 0: everything kept. */
  readonly after?: number;
  /** Long-poll wait, seconds: 1 to 60, default 25. */
  readonly wait?: number;
  /**
   * Handlers of registry names the guard does not take itself (`ov-approval-decision`), or replacing its own
   * (`ov-signal`, `ov-policy`, `ov-revocation`, and `ov-lease` when it has `acceptLease`). An event with no handler
   * is reported to `onError`.
   */
  readonly handlers?: Readonly<Record<string, (bytes: Uint8Array) => Promise<void>>>;
  /** Every failure: transport (`ERR_OV_DELIVERY_FAILED`), bad input and what the guard refused. Pulling goes on. */
  readonly onError?: (error: SafetyNetError) => void;
  /** Called with each position once its event has been processed, to resume from after a restart. */
  readonly onPosition?: (position: number) => void;
  readonly fetch?: typeof fetch;
  readonly timers?: GuardTimers;
}

/**
 * Pulls an agent's events from its control plane (spec §7.2, §7.3) until `signal` aborts, feeding each to the
 * guard (leases too, spec §9) and posting every signal's acknowledgement to `acks` — and, with `heartbeats`, the
 * guard's heartbeats on its renewal schedule, so that its dead-man's switch works behind NAT. Over Server-Sent
 * Events it reconnects with `Last-Event-ID` after the server's `retry:` time, so a stream cut mid-event loses
 * nothing (the parser dispatches only at the blank line); over long-poll it asks again after the last position it
 * processed. Failures are reported to `onError` and never end the loop; it resolves with the last position
 * processed.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * pullSignals({ url: `${ctl}/agents/${encodeURIComponent(agent)}/events`, acks: `${ctl}/acks`, guard, signal: stop.signal });
 * ```
 */
export async function pullSignals(options: PullOptions): Promise<number> {
  const wait = options.wait ?? DEFAULT_LONG_POLL_WAIT;
  if (!Number.isSafeInteger(wait) || wait < 1 || wait > MAX_LONG_POLL_WAIT) {
    throw ovError('ERR_OV_CONFIG_INVALID', `wait must be 1 to ${MAX_LONG_POLL_WAIT} seconds`);
  }
  const after = options.after ?? 0;
  if (!Number.isSafeInteger(after) || after < 0) throw ovError('ERR_OV_CONFIG_INVALID', 'after must be a position');
  const { guard, heartbeats } = options;
  if (heartbeats !== undefined && (typeof guard.heartbeat !== 'function' || typeof guard.acceptLease !== 'function')) {
    throw ovError('ERR_OV_CONFIG_INVALID', 'heartbeats need a guard with a dead-man’s switch');
  }
  const puller = new Puller(options);
  const beating =
    heartbeats === undefined
      ? undefined
      : postHeartbeats({
          url: heartbeats,
          guard: guard as HeartbeatSource,
          signal: options.signal,
          fetch: options.fetch ?? fetch,
          timers: options.timers ?? systemTimers,
          onError: (e) => options.onError?.(e),
        });
  const position = await (options.transport === 'long-poll' ? puller.longPoll(after, wait) : puller.sse(after));
  await beating;
  return position;
}

class Puller {
  readonly #options: PullOptions;
  readonly #fetch: typeof fetch;
  readonly #timers: GuardTimers;
  readonly #handlers: Readonly<Record<string, (bytes: Uint8Array) => Promise<void>>>;

  constructor(options: PullOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    this.#timers = options.timers ?? systemTimers;
    const { guard } = options;
    this.#handlers = {
      'ov-signal': async (bytes) => this.#acknowledge((await guard.receive(bytes)).ack),
      'ov-policy': (bytes) => guard.acceptPolicy(bytes),
      'ov-revocation': (bytes) => guard.acceptRevocation(bytes),
      // The same path as a pushed lease (`POST E/lease`): the guard's lease keeper (spec §9).
      ...(guard.acceptLease ? { 'ov-lease': (bytes: Uint8Array) => guard.acceptLease!(bytes) } : {}),
      ...options.handlers,
    };
  }

  async sse(after: number): Promise<number> {
    const { signal } = this.#options;
    let lastId = after > 0 ? String(after) : '';
    let retry = SSE_RETRY_MS;
    while (!signal.aborted) {
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      // A fetch whose body does not end when the signal aborts would leave a read waiting for ever.
      const cancel = () => reader?.cancel().catch(() => {});
      signal.addEventListener('abort', cancel, { once: true });
      try {
        const response = await this.#fetch(this.#options.url, {
          headers: { accept: 'text/event-stream', ...(lastId === '' ? {} : { 'last-event-id': lastId }) },
          signal,
        });
        reader = response.body?.getReader();
        if (response.status !== 200 || mediaTypeOf(response) !== 'text/event-stream' || !reader) {
          throw ovError('ERR_OV_DELIVERY_FAILED', `the event stream answered ${response.status}`);
        }
        const parser = new SseParser({ lastEventId: lastId });
        const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const event of parser.push(decoder.decode(value, { stream: true }))) {
            await this.#deliver(event.type, () => fromBase64Url(event.data), event.lastEventId);
          }
          lastId = parser.lastEventId;
          retry = parser.retry ?? retry;
        }
      } catch (e) {
        this.#report(e);
      } finally {
        signal.removeEventListener('abort', cancel);
        reader?.cancel().catch(() => {});
      }
      await sleep(retry, signal, this.#timers);
    }
    return decimalOr(lastId, after);
  }

  async longPoll(after: number, wait: number): Promise<number> {
    const { signal } = this.#options;
    let position = after;
    while (!signal.aborted) {
      try {
        const url = new URL(this.#options.url);
        url.searchParams.set('after', String(position));
        url.searchParams.set('wait', String(wait));
        // Started with the request: a server that answers 204 without waiting must not make this a busy loop.
        const paced = sleep(SSE_RETRY_MS, signal, this.#timers);
        const response = await this.#fetch(url, { headers: { accept: 'application/cbor' }, signal });
        if (response.status === 204) {
          await paced;
          continue;
        }
        if (response.status !== 200 || mediaTypeOf(response) !== 'application/cbor') {
          await response.body?.cancel();
          throw ovError('ERR_OV_DELIVERY_FAILED', `the long-poll answered ${response.status}`);
        }
        for (const [at, name, bytes] of triplesOf(await readBody(response, { max: MAX_LONG_POLL_BYTES }), position)) {
          await this.#deliver(name, () => bytes, String(at));
          position = at;
        }
        continue;
      } catch (e) {
        this.#report(e);
      }
      await sleep(SSE_RETRY_MS, signal, this.#timers);
    }
    return position;
  }

  /** Hands one event to its handler; a failure is reported and the event counts as processed (it was judged). */
  async #deliver(name: string, bytes: () => Uint8Array, position: string): Promise<void> {
    try {
      const handler = this.#handlers[name];
      if (handler === undefined) throw snError('ERR_INPUT_INVALID', `no handler for event ${name}`);
      await handler(bytes());
    } catch (e) {
      this.#report(e);
    }
    const at = decimalOr(position, -1);
    if (at >= 0) this.#options.onPosition?.(at);
  }

  async #acknowledge(ack: Uint8Array): Promise<void> {
    const response = await this.#fetch(this.#options.acks, {
      method: 'POST',
      body: ack,
      headers: { 'content-type': 'application/cose' },
      signal: this.#options.signal,
    });
    await response.body?.cancel();
    if (!response.ok)
      throw ovError('ERR_OV_DELIVERY_FAILED', `posting the acknowledgement answered ${response.status}`);
  }

  #report(e: unknown): void {
    if (this.#options.signal.aborted) return;
    const error = isSafetyNetError(e)
      ? e
      : ovError('ERR_OV_DELIVERY_FAILED', e instanceof Error ? e.message : String(e), { cause: e });
    this.#options.onError?.(error);
  }
}

function decimalOr(text: string, fallback: number): number {
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : fallback;
}

/** A long-poll body: a CBOR array of `[position, name, bytes]`, positions increasing after `after`. */
function triplesOf(body: Uint8Array, after: number): [number, string, Uint8Array][] {
  let value: unknown;
  try {
    value = decodeCbor(body);
  } catch (e) {
    throw snError('ERR_INPUT_INVALID', 'the long-poll answer is not CBOR', { cause: e });
  }
  if (!Array.isArray(value)) throw snError('ERR_INPUT_INVALID', 'the long-poll answer is not an array');
  let last = after;
  return value.map((t: unknown) => {
    const [at, name, bytes] = Array.isArray(t) && t.length === 3 ? t : [];
    if (typeof at !== 'number' || !Number.isSafeInteger(at) || at <= last) {
      throw snError('ERR_INPUT_INVALID', 'long-poll positions must increase');
    }
    if (typeof name !== 'string' || !(bytes instanceof Uint8Array)) {
      throw snError('ERR_INPUT_INVALID', 'a long-poll entry is not [position, name, bytes]');
    }
    last = at;
    return [at, name, bytes];
  });
}

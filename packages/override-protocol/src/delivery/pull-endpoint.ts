import { ovError } from '../errors.js';
import type { GuardTimers } from '../guard/options.js';
import { eventStream } from './event-stream.js';
import { DEFAULT_LONG_POLL_WAIT, longPoll, MAX_LONG_POLL_WAIT } from './long-poll.js';
import type { Outbox } from './outbox.js';
import { systemTimers } from './timers.js';

/** Longest gap between two writes on an event stream, ms (spec §7.2). */
export const MAX_KEEP_ALIVE_MS = 15_000;

/** Options of {@link pullEndpoint}. */
export interface PullEndpointOptions {
  /** The outbox the agents pull from. */
  readonly outbox: Outbox;
  /**
   * Whether the request is authenticated as `agent` (a token, or the client certificate of mutual TLS): the
   * deployment's choice (spec §7.2). A request it refuses is answered `403`.
   */
  readonly authorize: (request: Request, agent: string) => boolean | Promise<boolean>;
  /** The path the control plane is served under (`C`), without a trailing slash. Default: the root. */
  readonly base?: string;
  /** Time between keep-alive comments, ms: 1 to {@link MAX_KEEP_ALIVE_MS} (the default). */
  readonly keepAliveMs?: number;
  readonly timers?: GuardTimers;
}

const problem = (code: string, status = 400) => Response.json({ code }, { status });

/** A whole decimal number of a query or header, or undefined when it is not one. */
function decimal(text: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Pull delivery of a control plane (spec §7.2, §7.3) as a Web-standard `Request → Response` handler for
 * `GET C/agents/{agent}/events`: with `?after=` a long-poll (`wait` seconds, default 25, at most 60), otherwise,
 * for `Accept: text/event-stream`, a Server-Sent Events stream from the `Last-Event-ID` position. Malformed
 * positions and waits are `400` with `{"code": "ERR_INPUT_INVALID"}`; other paths `404`; other methods `405`.
 *
 * @example
 * ```ts
 * const outbox = new MemoryOutbox();
 * const handle = pullEndpoint({ outbox, authorize: (request, agent) => tokenNames(request, agent) });
 * outbox.append(agent, 'ov-signal', signalBytes); // streamed at once to the agent, if it is connected
 * ```
 */
export function pullEndpoint(options: PullEndpointOptions): (request: Request) => Promise<Response> {
  const keepAliveMs = options.keepAliveMs ?? MAX_KEEP_ALIVE_MS;
  if (!Number.isSafeInteger(keepAliveMs) || keepAliveMs < 1 || keepAliveMs > MAX_KEEP_ALIVE_MS) {
    throw ovError('ERR_OV_CONFIG_INVALID', `keepAliveMs must be 1 to ${MAX_KEEP_ALIVE_MS}`);
  }
  if (typeof options.authorize !== 'function') throw ovError('ERR_OV_CONFIG_INVALID', 'authorize is required');
  const timers = options.timers ?? systemTimers;
  const prefix = `${options.base ?? ''}/agents/`;
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (!path.startsWith(prefix) || !path.endsWith('/events')) return new Response(null, { status: 404 });
    const segment = path.slice(prefix.length, -'/events'.length);
    if (segment === '' || segment.includes('/')) return new Response(null, { status: 404 });
    let agent: string;
    try {
      agent = decodeURIComponent(segment);
    } catch {
      return problem('ERR_INPUT_INVALID');
    }
    if (request.method !== 'GET') return new Response(null, { status: 405, headers: { allow: 'GET' } });
    if (!(await options.authorize(request, agent))) return new Response(null, { status: 403 });
    const after = url.searchParams.get('after');
    if (after !== null) {
      const position = decimal(after);
      const wait = decimal(url.searchParams.get('wait') ?? String(DEFAULT_LONG_POLL_WAIT));
      if (position === undefined || wait === undefined || wait > MAX_LONG_POLL_WAIT)
        return problem('ERR_INPUT_INVALID');
      return longPoll(options.outbox, agent, position, wait, { timers, signal: request.signal });
    }
    if (!(request.headers.get('accept') ?? '').includes('text/event-stream'))
      return new Response(null, { status: 406 });
    const last = request.headers.get('last-event-id') ?? '';
    const position = last === '' ? 0 : decimal(last);
    if (position === undefined) return problem('ERR_INPUT_INVALID');
    const body = eventStream(options.outbox, agent, position, { timers, keepAliveMs, signal: request.signal });
    return new Response(body, {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
    });
  };
}

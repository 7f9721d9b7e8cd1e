import { isSafetyNetError, type SafetyNetError } from '@safety-net/core';
import { mediaTypeOf, readBody } from '@safety-net/core/internal';
import { ovError } from '../errors.js';
import { claimsOf } from '../guard/decode.js';
import { MAX_SIGNAL_BYTES, type OverrideGuard } from '../guard/guard.js';
import type { GuardTimers } from '../guard/options.js';
import { lease } from '../messages/lease.js';
import { sleep } from './timers.js';

/** Between heartbeats before a lease names its `ttl`: a third of the default lease `ttl` of 30 s (spec §4.11). */
export const DEFAULT_HEARTBEAT_MS = 10_000;
/** The first retry after a failed heartbeat, ms; it doubles with each failure, up to the renewal interval. */
export const HEARTBEAT_RETRY_MS = 1_000;
/** A heartbeat not answered within this time, ms, has failed. */
export const HEARTBEAT_TIMEOUT_MS = 5_000;

/** What the heartbeat loop needs of the agent's guard. */
export type HeartbeatSource = Pick<OverrideGuard, 'heartbeat' | 'acceptLease'>;

/** Options of {@link postHeartbeats}. */
export interface HeartbeatLoopOptions {
  /** The control plane's `C/heartbeats`. */
  readonly url: string | URL;
  readonly guard: HeartbeatSource;
  /** Ends the loop. */
  readonly signal: AbortSignal;
  readonly fetch: typeof fetch;
  readonly timers: GuardTimers;
  readonly onError: (error: SafetyNetError) => void;
}

/**
 * The pulling agent's side of the renewals (spec §4.5, §9): posts the guard's signed Heartbeat to `C/heartbeats` at
 * once and then every `ttl` / 3 of the lease that answered the last one, and hands each answering Lease to the
 * guard (the stream brings the same bytes: the second copy is a no-op). The guard puts `lapsed_at` in its
 * heartbeats while a lapse is unreported, so the first one a control plane that came back receives tells it. A
 * failed post is reported and retried after 1 s, doubling up to the renewal interval; nothing ends the loop but
 * `signal`.
 */
export async function postHeartbeats(options: HeartbeatLoopOptions): Promise<void> {
  const { signal, timers } = options;
  let interval = DEFAULT_HEARTBEAT_MS;
  let failures = 0;
  while (!signal.aborted) {
    let answer: Uint8Array | undefined;
    try {
      answer = await post(options);
      failures = 0;
    } catch (e) {
      failures++;
      report(options, e);
    }
    if (answer !== undefined) {
      try {
        // Verified by the guard first: only a lease it took sets the pace.
        await options.guard.acceptLease(answer);
        interval = Math.floor((claimsOf(lease, answer).ttl * 1000) / 3);
      } catch (e) {
        report(options, e);
      }
    }
    const wait = failures === 0 ? interval : Math.min(interval, HEARTBEAT_RETRY_MS * 2 ** Math.min(failures - 1, 16));
    await sleep(wait, signal, timers);
  }
}

/** One heartbeat, answered `200` with a Lease within {@link HEARTBEAT_TIMEOUT_MS}. */
async function post(options: HeartbeatLoopOptions): Promise<Uint8Array> {
  const attempt = new AbortController();
  const abort = () => attempt.abort();
  const timer = options.timers.set(HEARTBEAT_TIMEOUT_MS, abort);
  options.signal.addEventListener('abort', abort, { once: true });
  try {
    let response: Response;
    try {
      response = await options.fetch(options.url, {
        method: 'POST',
        body: options.guard.heartbeat(),
        headers: { 'content-type': 'application/cose' },
        signal: attempt.signal,
      });
    } catch (e) {
      throw ovError('ERR_OV_DELIVERY_FAILED', 'the heartbeat could not be posted', { cause: e });
    }
    if (response.status !== 200 || mediaTypeOf(response) !== 'application/cose') {
      const code = await response.json().then(
        (body: unknown) => {
          const code = (body as { code?: unknown } | null)?.code;
          return typeof code === 'string' ? ` (${code})` : '';
        },
        () => '',
      );
      throw ovError('ERR_OV_DELIVERY_FAILED', `the heartbeat was answered ${response.status}${code}`);
    }
    return await readBody(response, { max: MAX_SIGNAL_BYTES });
  } finally {
    options.timers.clear(timer);
    options.signal.removeEventListener('abort', abort);
  }
}

function report(options: HeartbeatLoopOptions, e: unknown): void {
  if (options.signal.aborted) return;
  options.onError(
    isSafetyNetError(e)
      ? e
      : ovError('ERR_OV_DELIVERY_FAILED', e instanceof Error ? e.message : String(e), { cause: e }),
  );
}

import { fromUtf8 } from '@safety-net/core';
import { readBody } from '@safety-net/core/internal';
import type { DisclosureStore, ForwardedRequest, PeerAnswer } from './disclosure-store.js';
import type { PeerDomain } from './peer-domain.js';

/** Options of {@link sendForwarded}. */
export interface SendForwardedOptions {
  /** Only these requests (default: every one without a final answer). */
  readonly only?: readonly string[];
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Per request (default 10,000 ms). */
  readonly timeoutMs?: number;
}

/** Honoured and refused are final; a deferred request is asked again, so that its hold's end is learnt. */
const settled = (answer: PeerAnswer | undefined) => answer?.outcome === 'honoured' || answer?.outcome === 'refused';

/**
 * Sends each recorded Erasure Request that has no final answer to its peer's endpoint, records the answer and
 * returns the requests sent with their answers (spec §7.3 step 6): a peer that cannot be reached, or answers 5xx,
 * is recorded `unanswered` and asked again next time; a peer answers a request it already answered with the same
 * answer (idempotent by `jti`).
 */
export async function sendForwarded(
  store: DisclosureStore,
  peers: readonly PeerDomain[],
  options: SendForwardedOptions = {},
): Promise<ForwardedRequest[]> {
  const out: ForwardedRequest[] = [];
  for (const f of await store.forwarded()) {
    if (options.only ? !options.only.includes(f.jti) : settled(f.answer)) continue;
    const endpoint = peers.find((p) => p.domain === f.peer)?.endpoint;
    const answer = endpoint
      ? await ask(endpoint, f.request, options)
      : ({ outcome: 'unanswered', detail: `no endpoint is configured for ${f.peer}` } as const);
    await store.answerForwarded(f.jti, answer);
    out.push({ ...f, answer });
  }
  return out;
}

async function ask(endpoint: string, request: Uint8Array, options: SendForwardedOptions): Promise<PeerAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    const response = await (options.fetch ?? globalThis.fetch)(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/cose' },
      body: request,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await readBody(response, { max: 65_536, timeoutMs });
    if (response.status >= 500) return { outcome: 'unanswered', detail: `the peer answered ${response.status}` };
    return answerOf(body === undefined ? undefined : fromUtf8(body), response.status);
  } catch (e) {
    return { outcome: 'unanswered', detail: e instanceof Error ? e.message : String(e) };
  }
}

type DeferredCode = Extract<PeerAnswer, { outcome: 'deferred' }>['code'];
const DEFERRED_CODES: readonly DeferredCode[] = [
  'ERR_AU_LEGAL_HOLD',
  'ERR_AU_RETENTION_ACTIVE',
  'ERR_AU_SUBJECT_AMBIGUOUS',
];

/** A peer's answer as the spec shapes it; anything else is recorded `unanswered`, and asked again. */
function answerOf(text: string | undefined, status: number): PeerAnswer {
  const a = JSON.parse(text ?? 'null') as Record<string, unknown> | null;
  const indices = (v: unknown): v is number[] => Array.isArray(v) && v.every((i) => Number.isSafeInteger(i) && i >= 0);
  if (status === 200 && a?.outcome === 'honoured' && indices(a.tombstones)) {
    return { outcome: 'honoured', tombstones: a.tombstones };
  }
  if (
    status === 202 &&
    a?.outcome === 'deferred' &&
    DEFERRED_CODES.includes(a.code as DeferredCode) &&
    indices(a.tombstones)
  ) {
    const hold = a.hold as { issuer?: unknown; hold?: unknown } | undefined;
    const held = typeof hold?.issuer === 'string' && typeof hold.hold === 'string';
    return {
      outcome: 'deferred',
      code: a.code as DeferredCode,
      tombstones: a.tombstones,
      ...(held ? { hold: { issuer: hold.issuer as string, hold: hold.hold as string } } : {}),
    };
  }
  if (status >= 400 && a?.outcome === 'refused' && typeof a.code === 'string' && /^ERR_[A-Z0-9_]{1,60}$/.test(a.code)) {
    return { outcome: 'refused', code: a.code };
  }
  return { outcome: 'unanswered', detail: `the peer answered ${status} in an unknown form` };
}

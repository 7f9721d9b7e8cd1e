import type { Answer } from '../guard/guard.js';
import type { AttemptDeadlines } from './attempt-deadline.js';

/** A guard in the same runtime, as `connect` takes it (spec §7.4): the same bytes, no HTTP. */
export interface InProcessAgent {
  receive(bytes: Uint8Array): Promise<Answer>;
  /** Takes a Lease (spec §4.5); an agent without it gets no lease in process. */
  acceptLease?(bytes: Uint8Array): Promise<void>;
}

/** What one delivery attempt came to. */
export type AttemptResult =
  /** The agent answered with a signed acknowledgement (not yet verified). */
  | { readonly kind: 'ack'; readonly bytes: Uint8Array }
  /** The agent refused the signal with a code: resending the same bytes cannot change that (spec §7.1). */
  | { readonly kind: 'refused'; readonly code: string }
  /** No answer: unreachable, too slow, or its store failed (`503`). Retried. */
  | { readonly kind: 'unanswered' };

/** Codes an agent answers that a resend could cure: its store failed (spec §8.5). */
const TRANSIENT = new Set(['ERR_OV_STORE_FAILED']);

/** One push of the signal to an agent's override endpoint, `POST E/signals` (spec §7.1). */
export async function pushOverHttp(
  fetcher: typeof fetch,
  endpoint: string,
  bytes: Uint8Array,
  deadlines: AttemptDeadlines,
): Promise<AttemptResult> {
  const attempt = deadlines.start();
  try {
    const response = await fetcher(`${endpoint.replace(/\/$/, '')}/signals`, {
      method: 'POST',
      body: bytes as Uint8Array<ArrayBuffer>,
      headers: { 'content-type': 'application/cose' },
      signal: attempt.signal,
    });
    const type = response.headers.get('content-type') ?? '';
    // 200 with the acknowledgement, 403 with the signed refusal: both are acknowledgements.
    if ((response.status === 200 || response.status === 403) && type.startsWith('application/cose')) {
      return { kind: 'ack', bytes: new Uint8Array(await response.arrayBuffer()) };
    }
    if (response.status >= 400 && response.status < 500 && type.startsWith('application/json')) {
      const { code } = (await response.json()) as { code?: unknown };
      if (typeof code === 'string' && /^ERR_[A-Z0-9_]{1,64}$/.test(code)) return { kind: 'refused', code };
    }
    await response.body?.cancel();
    return { kind: 'unanswered' };
  } catch {
    return { kind: 'unanswered' };
  } finally {
    attempt.end();
  }
}

/** One in-process delivery (spec §7.4): the guard's answer, or its error code as the endpoint would report it. */
export async function pushInProcess(agent: InProcessAgent, bytes: Uint8Array): Promise<AttemptResult> {
  try {
    return { kind: 'ack', bytes: (await agent.receive(bytes)).ack };
  } catch (e) {
    const code = (e as { code?: unknown })?.code;
    if (typeof code === 'string' && !TRANSIENT.has(code)) return { kind: 'refused', code };
    return { kind: 'unanswered' };
  }
}

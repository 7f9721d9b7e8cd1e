import type { Answer } from '../guard/guard.js';
import type { AttemptDeadlines } from './attempt-deadline.js';
import type { Post, Posted } from './post.js';

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
  post: Post,
  signals: string,
  bytes: Uint8Array,
  deadlines: AttemptDeadlines,
): Promise<AttemptResult> {
  let answer: Posted;
  try {
    answer = await post(signals, bytes, (cancel) => deadlines.start(cancel));
  } catch {
    return { kind: 'unanswered' };
  }
  const { status, type, body } = answer;
  // 200 with the acknowledgement, 403 with the signed refusal: both are acknowledgements.
  if ((status === 200 || status === 403) && type.startsWith('application/cose')) return { kind: 'ack', bytes: body };
  if (status >= 400 && status < 500 && type.startsWith('application/json')) {
    const code = codeIn(body);
    if (code !== undefined) return { kind: 'refused', code };
  }
  return { kind: 'unanswered' };
}

/** The `code` of a JSON error body (`{"code": "ERR_…"}`), if it is one. */
function codeIn(body: Uint8Array): string | undefined {
  try {
    const { code } = JSON.parse(new TextDecoder().decode(body)) as { code?: unknown };
    return typeof code === 'string' && /^ERR_[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
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

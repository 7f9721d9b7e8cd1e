import { EXECUTION_CONTEXT_HEADER } from '../ect/http-header.js';
import { isSafetyNetError, type SafetyNetError } from '../errors/index.js';
import type { ExecutionContext, ExecutionContextOptions } from './verify-context.js';
import { verifyExecutionContext } from './verify-context.js';

/** An RFC 9457 problem answer to a request whose ECTs were refused: status, header fields and JSON body. */
export interface ExecutionContextProblem {
  /** The HTTP status (ECT spec §8.2). */
  readonly status: 400 | 401 | 409 | 503;
  /** Header fields of the answer, names in lower case: `content-type`, and `www-authenticate` with a 401. */
  readonly headers: Readonly<Record<string, string>>;
  /** `application/problem+json` members; `code` is the Safety Net error code. */
  readonly body: { type: 'about:blank'; title: string; status: number; detail: string; code: string };
}

const TITLES = { 400: 'Bad Request', 401: 'Unauthorized', 409: 'Conflict', 503: 'Service Unavailable' } as const;

/**
 * The answer to a refusal (ECT spec §8.2): 400 for a malformed field, 409 for authentic tokens the DAG cannot take
 * (yet: a missing predecessor may still arrive), 503 when the replay cache or its store cannot answer, and 401 for a
 * missing field and every token that does not verify.
 */
export function executionContextProblem(error: SafetyNetError): ExecutionContextProblem {
  const status =
    error.code === 'ERR_ECT_HEADER_INVALID'
      ? 400
      : error.family === 'dag'
        ? 409
        : error.code === 'ERR_CLAIMS_REPLAY_CACHE_FULL' || error.code === 'ERR_STORE_FAILED'
          ? 503
          : 401;
  // RFC 9110 §15.5.2: a 401 names the scheme that would be accepted.
  const challenge: Record<string, string> = status === 401 ? { 'www-authenticate': EXECUTION_CONTEXT_HEADER } : {};
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...challenge },
    body: { type: 'about:blank', title: TITLES[status], status, detail: error.message, code: error.code },
  };
}

/** The verified context, or the problem to answer with; anything but a Safety Net error is a bug and propagates. */
export async function admitExecutionContext(
  value: string | readonly string[] | null | undefined,
  options: ExecutionContextOptions,
): Promise<{ ok: true; context: ExecutionContext } | { ok: false; problem: ExecutionContextProblem }> {
  try {
    return { ok: true, context: await verifyExecutionContext(value, options) };
  } catch (e) {
    if (isSafetyNetError(e)) return { ok: false, problem: executionContextProblem(e) };
    throw e;
  }
}

import { isSafetyNetError } from '@safety-net/core';
import { mediaTypeOf, optionChecks, readBody } from '@safety-net/core/internal';
import { ovError } from '../errors.js';
import { typOf } from '../guard/decode.js';
import type { OverrideGuard } from '../guard/guard.js';
import { MAX_SIGNAL_BYTES } from '../guard/guard.js';
import { keyRevocation } from '../messages/key-revocation.js';

/** The well-known path of an agent's override endpoint (spec §7.1, RFC 8615). */
export const OVERRIDE_PATH = '/.well-known/safety-net/override';

/** Codes answered `409`: the signal is valid but conflicts with what the agent already applied (spec §7.1). */
const CONFLICTS = new Set([
  'ERR_OV_STALE',
  'ERR_OV_LIFT_MISMATCH',
  'ERR_OV_CONFLICT',
  'ERR_OV_LIMIT',
  'ERR_OV_APPROVAL_MISMATCH',
]);
const STATUS_OF: Readonly<Record<string, number>> = { ERR_INPUT_TOO_LARGE: 413, ERR_OV_STORE_FAILED: 503 };

/** Options of {@link overrideEndpoint}. */
export interface OverrideEndpointOptions {
  /** The path the endpoint is served at. Default: {@link OVERRIDE_PATH}. */
  readonly path?: string;
  /**
   * Longest time to read a request body, in milliseconds, 1 to 3 600 000; a slower peer gets `408` with
   * `ERR_INPUT_INVALID` (spec §7.1), so that one client dripping bytes cannot hold the agent's endpoint. Default
   * 10 000.
   */
  readonly bodyTimeoutMs?: number;
}

const { int } = optionChecks((detail) => ovError('ERR_OV_CONFIG_INVALID', detail));

const cose = (body: Uint8Array, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'application/cose' } });
const failure = (code: string, status = STATUS_OF[code] ?? (CONFLICTS.has(code) ? 409 : 400)) =>
  Response.json({ code }, { status });

/**
 * The agent's override endpoint (spec §7.1) as a Web-standard `Request → Response` handler: `POST …/signals`
 * answers a signal with the signed acknowledgement (`200`, or `403` for a refusal), `POST …/policy` takes an
 * Authority Policy or a Key Revocation, `POST …/lease` a Lease, `POST …/approvals` an Approval Decision (`204`),
 * and `GET …/state` answers a fresh signed Heartbeat. A body that takes longer than `bodyTimeoutMs` to arrive is
 * `408`. Every message is authenticated by its signature and judged by the
 * policy, so the endpoint needs no authentication of its own. Bad input is never a `5xx`: `503` means the store
 * failed and the guard is refusing all work.
 *
 * @example
 * ```ts
 * const handle = overrideEndpoint(guard);
 * serve({ fetch: handle }); // any server that speaks Request → Response
 * ```
 */
export function overrideEndpoint(
  guard: OverrideGuard,
  options: OverrideEndpointOptions = {},
): (request: Request) => Promise<Response> {
  const base = options.path ?? OVERRIDE_PATH;
  const bodyTimeoutMs = int(options.bodyTimeoutMs, 'bodyTimeoutMs', 1, 3_600_000, 10_000);
  const routes: Record<string, (body: Uint8Array) => Promise<Response>> = {
    signals: async (body) => {
      const answer = await guard.receive(body);
      return cose(answer.ack, answer.claims.status === 'refused' ? 403 : 200);
    },
    policy: async (body) => {
      // One route for both: the protected typ tells a Key Revocation from a policy.
      await (typOf(body) === keyRevocation.typ ? guard.acceptRevocation(body) : guard.acceptPolicy(body));
      return new Response(null, { status: 204 });
    },
    lease: async (body) => {
      await guard.acceptLease(body);
      return new Response(null, { status: 204 });
    },
    approvals: async (body) => {
      await guard.acceptDecision(body);
      return new Response(null, { status: 204 });
    },
  };
  return async (request) => {
    const path = new URL(request.url).pathname;
    const name = path.startsWith(`${base}/`) ? path.slice(base.length + 1) : undefined;
    if (name === 'state') {
      if (request.method !== 'GET') return new Response(null, { status: 405, headers: { allow: 'GET' } });
      return answer(() => cose(guard.heartbeat()));
    }
    const route = name === undefined ? undefined : Object.hasOwn(routes, name) ? routes[name] : undefined;
    if (route === undefined) return new Response(null, { status: 404 });
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    if (mediaTypeOf(request) !== 'application/cose') return new Response(null, { status: 415 });
    return answer(async () => {
      const body = await readBody(request, { max: MAX_SIGNAL_BYTES, timeoutMs: bodyTimeoutMs });
      return body === undefined ? failure('ERR_INPUT_INVALID', 408) : route(body);
    });
  };
}

/** Runs a route, answering a coded error as the spec's status with its code. */
async function answer(route: () => Response | Promise<Response>): Promise<Response> {
  try {
    return await route();
  } catch (e) {
    if (isSafetyNetError(e)) return failure(e.code);
    throw e;
  }
}

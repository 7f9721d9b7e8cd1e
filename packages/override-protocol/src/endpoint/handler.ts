import { decodeSign1, HEADER, isSafetyNetError } from '@safety-net/core';
import { mediaTypeOf, readBody } from '@safety-net/core/internal';
import type { OverrideGuard } from '../guard/guard.js';
import { MAX_SIGNAL_BYTES } from '../guard/guard.js';
import { keyRevocation } from '../messages/key-revocation.js';

/** The well-known path of an agent's override endpoint (spec §7.1, RFC 8615). */
export const OVERRIDE_PATH = '/.well-known/safety-net/override';

/** Codes answered `409`: the signal is valid but conflicts with what the agent already applied (spec §7.1). */
const CONFLICTS = new Set(['ERR_OV_STALE', 'ERR_OV_LIFT_MISMATCH', 'ERR_OV_CONFLICT', 'ERR_OV_LIMIT']);
const STATUS_OF: Readonly<Record<string, number>> = { ERR_INPUT_TOO_LARGE: 413, ERR_OV_STORE_FAILED: 503 };

/** Options of {@link overrideEndpoint}. */
export interface OverrideEndpointOptions {
  /** The path the endpoint is served at. Default: {@link OVERRIDE_PATH}. */
  readonly path?: string;
}

const cose = (body: Uint8Array, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'application/cose' } });
const failure = (code: string, status = STATUS_OF[code] ?? (CONFLICTS.has(code) ? 409 : 400)) =>
  Response.json({ code }, { status });

/**
 * The agent's override endpoint (spec §7.1) as a Web-standard `Request → Response` handler: `POST …/signals`
 * answers a signal with the signed acknowledgement (`200`, or `403` for a refusal), `POST …/policy` takes an
 * Authority Policy or a Key Revocation (`204`). Every message is authenticated by its signature and judged by the
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
  const routes: Record<string, (body: Uint8Array) => Promise<Response>> = {
    signals: async (body) => {
      const answer = await guard.receive(body);
      return cose(answer.ack, answer.claims.status === 'refused' ? 403 : 200);
    },
    policy: async (body) => {
      // One route for both: the protected typ tells a Key Revocation from a policy.
      const typ = safeTyp(body);
      await (typ === keyRevocation.typ ? guard.acceptRevocation(body) : guard.acceptPolicy(body));
      return new Response(null, { status: 204 });
    },
  };
  return async (request) => {
    const path = new URL(request.url).pathname;
    const route = path.startsWith(`${base}/`) ? routes[path.slice(base.length + 1)] : undefined;
    if (route === undefined) return new Response(null, { status: 404 });
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    if (mediaTypeOf(request) !== 'application/cose') return new Response(null, { status: 415 });
    try {
      return await route(await readBody(request, { max: MAX_SIGNAL_BYTES }));
    } catch (e) {
      if (isSafetyNetError(e)) return failure(e.code);
      throw e;
    }
  };
}

/** The protected `typ` of a COSE_Sign1, or undefined when it does not decode (verification then says why). */
function safeTyp(bytes: Uint8Array): unknown {
  try {
    return decodeSign1(bytes).protectedHeader.get(HEADER.typ);
  } catch {
    return undefined;
  }
}

import { BV_ERRORS, type BvErrorCode } from '@safety-net/behavioral-verification';
import {
  type AnyErrorCode,
  ERROR_CODES,
  type ErrorCode,
  isSafetyNetError,
  type SafetyNetError,
  snError,
} from '@safety-net/core';
import { mediaTypeOf, readBody } from '@safety-net/core/internal';
import { CP_ERRORS, type CpErrorCode, cpError } from '../errors.js';
import { checkInt } from '../util/checks.js';
import type { ParticipantEndpoint } from './participant.js';
import type { ParticipantAddress, RollbackTransport } from './transport.js';

/** Largest body a participant accepts or a coordinator reads back: a fence excerpt of many steps fits. */
export const MAX_ROLLBACK_BODY_BYTES = 4 * 1024 * 1024;

const COSE = 'application/cose';
/** The header carrying the coordinator's lease token (spec §6.6). */
export const LEASE_HEADER = 'safety-net-lease';

/** The HTTP status a participant answers a refused call with (spec §6.3). */
function statusOf(code: AnyErrorCode, family: string): number {
  if (
    code === 'ERR_CP_PLAN_INVALID' ||
    family === 'key' ||
    code === 'ERR_CLAIMS_ISSUER' ||
    code === 'ERR_CLAIMS_AUDIENCE'
  )
    return 403;
  if (code === 'ERR_CP_ABORTED') return 503;
  return family === 'cp' && code !== 'ERR_CP_ROLLBACK_UNKNOWN' ? 409 : 400;
}

/** Options of {@link participantHandler}. */
export interface ParticipantHandlerOptions {
  /** Longest time to read a request body, ms; a slower peer gets `408`. Default 10 000. */
  readonly bodyTimeoutMs?: number;
}

const RESOURCES = new Set(['fence', 'compensate', 'result', 'release']);

/**
 * The participant's HTTP binding (spec §6.3) as a Web-standard `Request → Response` handler: `POST …/fence`,
 * `…/compensate` and `…/release`, COSE_Sign1 bodies. Serve it with any server that speaks `fetch` handlers.
 *
 * @example
 * ```ts
 * serve({ fetch: participantHandler(participant), port: 8080 });
 * ```
 */
export function participantHandler(
  participant: ParticipantEndpoint,
  options: ParticipantHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const bodyTimeoutMs = checkInt(options.bodyTimeoutMs, 'bodyTimeoutMs', 1, 3_600_000, 10_000);
  return async (request) => {
    const resource = new URL(request.url).pathname.split('/').pop() ?? '';
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    if (!RESOURCES.has(resource)) return refuse(404, 'ERR_INPUT_INVALID');
    if (mediaTypeOf(request) !== COSE) return new Response(null, { status: 415, headers: { accept: COSE } });
    try {
      const lease = leaseOf(request.headers.get(LEASE_HEADER));
      const body = await readBody(request, { max: MAX_ROLLBACK_BODY_BYTES, timeoutMs: bodyTimeoutMs });
      if (body === undefined) return refuse(408, 'ERR_INPUT_INVALID');
      if (resource === 'fence') {
        await participant.raiseFences(body, { lease });
        return new Response(null, { status: 204 });
      }
      if (resource === 'release') {
        await participant.releaseFences(body, { lease });
        return new Response(null, { status: 204 });
      }
      if (resource === 'result') {
        const known = await participant.resultOf(body, { lease });
        return known
          ? new Response(known as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-type': COSE } })
          : new Response(null, { status: 204 });
      }
      const result = await participant.compensate(body, request.signal, { lease });
      return new Response(result as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-type': COSE } });
    } catch (e) {
      if (!isSafetyNetError(e)) throw e;
      return refuse(statusOf(e.code, e.family), e.code);
    }
  };
}

/** The lease token of a request: absent is 0, anything but a plain non-negative integer is `ERR_INPUT_INVALID`. */
function leaseOf(header: string | null): number {
  if (header === null) return 0;
  if (!/^\d{1,15}$/.test(header)) throw snError('ERR_INPUT_INVALID', `${LEASE_HEADER} is not a token`);
  return Number(header);
}

/** Options of {@link httpTransport}. */
export interface HttpTransportOptions {
  /**
   * The compensation endpoint of a participant. Default: the `endpoint` of the first of its steps that names one
   * (from the tasks' checkpoints); a participant without one cannot be reached (`ERR_CP_PLAN_INVALID`).
   */
  readonly endpointOf?: (to: ParticipantAddress) => string | undefined;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** A {@link RollbackTransport} over HTTP (spec §6.3). Refusals come back as the participant's error code. */
export function httpTransport(options: HttpTransportOptions = {}): RollbackTransport {
  const doFetch = options.fetch ?? globalThis.fetch;
  const endpointOf = options.endpointOf ?? defaultEndpoint;
  const post = async (
    to: ParticipantAddress,
    resource: string,
    body: Uint8Array,
    signal: AbortSignal,
    lease: number | undefined,
  ) => {
    const base = endpointOf(to);
    if (!base) throw cpError('ERR_CP_PLAN_INVALID', `no compensation endpoint for ${to.agent}`);
    let response: Response;
    try {
      response = await doFetch(`${base.replace(/\/$/, '')}/${resource}`, {
        method: 'POST',
        headers: { 'content-type': COSE, ...(lease === undefined ? {} : { [LEASE_HEADER]: String(lease) }) },
        body: body as Uint8Array<ArrayBuffer>,
        signal,
      });
    } catch (e) {
      if (signal.aborted) throw cpError('ERR_CP_ABORTED', `${resource} for ${to.agent}`, { cause: e });
      throw cpError('ERR_CP_COMPENSATION_FAILED', `${to.agent} unreachable: ${String(e)}`, { cause: e });
    }
    if (response.ok) return response;
    throw refusalError(await refusalCode(response), `${to.agent} answered ${response.status} to ${resource}`);
  };
  return {
    async raiseFences(to, excerpt, signal, lease) {
      await (await post(to, 'fence', excerpt, signal, lease)).body?.cancel();
    },
    async compensate(to, excerpt, signal, lease) {
      return readBody(await post(to, 'compensate', excerpt, signal, lease), { max: MAX_ROLLBACK_BODY_BYTES });
    },
    async result(to, excerpt, signal, lease) {
      const response = await post(to, 'result', excerpt, signal, lease);
      if (response.status === 204) return undefined;
      return readBody(response, { max: MAX_ROLLBACK_BODY_BYTES });
    },
    async releaseFences(to, complete, signal, lease) {
      await (await post(to, 'release', complete, signal, lease)).body?.cancel();
    },
  };
}

function defaultEndpoint(to: ParticipantAddress): string | undefined {
  for (const s of to.steps) if (s.undo !== 'not_reversible' && s.undo.endpoint) return s.undo.endpoint;
  return undefined;
}

function refuse(status: number, code: AnyErrorCode): Response {
  return Response.json({ code }, { status });
}

/** A code a participant may refuse with: core's, ours, or behavioural verification's (an excerpt's evidence). */
type RefusalCode = ErrorCode | CpErrorCode | BvErrorCode;

/** The participant's code when it is one of ours; a refusal without one is a failed compensation. */
async function refusalCode(response: Response): Promise<RefusalCode> {
  try {
    const text = new TextDecoder().decode(await readBody(response, { max: 4096 }));
    const code = (JSON.parse(text) as { code?: unknown }).code;
    if (typeof code === 'string' && (isCoreCode(code) || CP_ERRORS.has(code) || BV_ERRORS.has(code))) return code;
  } catch {
    // Not our JSON: fall through.
  }
  return 'ERR_CP_COMPENSATION_FAILED';
}

function isCoreCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** The participant's refusal as an error of the family that declares its code. */
function refusalError(code: RefusalCode, detail: string): SafetyNetError {
  if (CP_ERRORS.has(code)) return cpError(code, detail);
  if (BV_ERRORS.has(code)) return BV_ERRORS.error(code, detail);
  return snError(code, detail);
}

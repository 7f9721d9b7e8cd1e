import type { EctClaims } from '../ect/claims.js';
import { EXECUTION_CONTEXT_HEADER, formatExecutionContext } from '../ect/http-header.js';
import { ect } from '../ect/message.js';
import { newEctClaims } from '../ect/new-claims.js';
import { snError } from '../errors/index.js';
import type { PrivateKey } from '../keys/types.js';
import { signJws } from '../messages/jws.js';
import type { Clock } from '../util/clock.js';
import type { RandomSource } from '../util/random.js';
import type { ExecutionContext } from './verify-context.js';

/** How an agent signs the ECTs of its outgoing calls. */
export interface EctFetchOptions {
  /** This agent's signing key. */
  key: PrivateKey;
  /** This agent's identity, the `iss` of its ECTs. */
  issuer: string;
  /** Wire form: `jws` (the draft's JWT form, default) or `cose`. */
  format?: 'jws' | 'cose';
  /** `kid` in the token header: the key's own (default) or its thumbprint. */
  kid?: 'thumbprint';
  /** The `aud` of a call that names none: by default the origin of the URL called. */
  audience?: (url: URL) => string | string[];
  /** Gives `iat`, and `exp` after the lifetime. */
  clock?: Clock;
  /** Source of the `jti` of tasks that name none. */
  random?: RandomSource;
  /** Seconds from `iat` to `exp` (default 300, ECT spec §5). */
  lifetimeSeconds?: number;
  /** What sends the signed request (the global `fetch` by default): it is given one `Request`. */
  fetch?: (request: Request) => Promise<Response>;
}

/** The task an outgoing call performs: its ECT claims, some of them derived. */
export interface EctCall extends Partial<Pick<EctClaims, 'aud' | 'wid' | 'jti' | 'inp_hash' | 'out_hash' | 'ect_ext'>> {
  /** The action the called agent is asked to perform. */
  exec_act: string;
  /**
   * The verified context of the request being served: its tasks that no other of its tasks names (the latest
   * work) become predecessors, and its workflow is this call's `wid` unless one is given.
   */
  context?: ExecutionContext;
  /** Further predecessors, after those of the context. */
  pred?: readonly string[];
}

/** `fetch` with an `ect` member in its init: the call's task. */
export type EctFetch = (input: string | URL | Request, init: RequestInit & { ect: EctCall }) => Promise<Response>;

/**
 * A `fetch` that signs an ECT for each call and sends it in the `Execution-Context` header field (replacing one
 * already set), its `pred` chained from the context being served (ECT spec §8.3).
 *
 * @example
 * ```ts
 * const send = ectFetch({ key, issuer: 'spiffe://example/agent/inventory' });
 * await send('https://shipping.example/tasks', { method: 'POST', body, ect: { exec_act: 'ship', context } });
 * ```
 */
export function ectFetch(options: EctFetchOptions): EctFetch {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  return async (input, { ect: call, ...init }) => {
    const request = new Request(input, init);
    const claims = newEctClaims(
      {
        iss: options.issuer,
        aud: call.aud ?? (options.audience ?? ((url: URL) => url.origin))(new URL(request.url)),
        wid: call.wid ?? workflowOf(call.context),
        exec_act: call.exec_act,
        pred: [...latestTasks(call.context), ...(call.pred ?? [])],
        ...(call.jti === undefined ? {} : { jti: call.jti }),
        ...(call.inp_hash === undefined ? {} : { inp_hash: call.inp_hash }),
        ...(call.out_hash === undefined ? {} : { out_hash: call.out_hash }),
        ...(call.ect_ext === undefined ? {} : { ect_ext: call.ect_ext }),
      },
      { clock: options.clock, random: options.random, lifetimeSeconds: options.lifetimeSeconds },
    );
    const kid = options.kid;
    const token =
      options.format === 'cose'
        ? ect.sign(claims, options.key, { kid })
        : await signJws(ect, claims, options.key, { kid });
    request.headers.set(EXECUTION_CONTEXT_HEADER, formatExecutionContext([token]));
    return send(request);
  };
}

/** The one workflow of the context's tasks; a call without a context, or across workflows, must name its own. */
function workflowOf(context: ExecutionContext | undefined): string {
  const wids = new Set(context?.ects.map((e) => e.claims.wid));
  if (wids.size !== 1) throw snError('ERR_INPUT_INVALID', 'the call names no wid and its context has not exactly one');
  return [...wids][0]!;
}

/** The context's tasks that none of its other tasks names as a predecessor, in order. */
function latestTasks(context: ExecutionContext | undefined): string[] {
  if (!context) return [];
  const named = new Set(context.ects.flatMap((e) => e.claims.pred));
  return context.ects.map((e) => e.claims.jti).filter((jti) => !named.has(jti));
}

import { EXECUTION_CONTEXT_HEADER } from '../ect/http-header.js';
import { admitExecutionContext, type ExecutionContextProblem } from './problem.js';
import type { ExecutionContext, ExecutionContextOptions } from './verify-context.js';

/** A Web-standard handler that is given the verified ECTs of the request it serves. */
export type ExecutionContextHandler = (request: Request, context: ExecutionContext) => Response | Promise<Response>;

/**
 * Wraps a Web-standard handler (`Request` → `Response`, as Hono, Bun, Deno and service workers use): the request's
 * `Execution-Context` field is verified with {@link verifyExecutionContext} before the handler runs; a refusal is
 * answered with an RFC 9457 problem (ECT spec §8.2) and the handler is not called.
 *
 * @example
 * ```ts
 * const handle = withExecutionContext(
 *   (request, { ects }) => Response.json({ accepted: ects.map((e) => e.claims.jti) }),
 *   { key: keys, audience: 'https://shipping.example', replay, dag },
 * );
 * ```
 */
export function withExecutionContext(
  handler: ExecutionContextHandler,
  options: ExecutionContextOptions,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const outcome = await admitExecutionContext(request.headers.get(EXECUTION_CONTEXT_HEADER), options);
    return outcome.ok ? handler(request, outcome.context) : problemResponse(outcome.problem);
  };
}

/** The problem as a Web `Response`. */
export function problemResponse(problem: ExecutionContextProblem): Response {
  return new Response(JSON.stringify(problem.body), { status: problem.status, headers: problem.headers });
}

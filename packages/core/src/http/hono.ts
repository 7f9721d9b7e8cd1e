import { EXECUTION_CONTEXT_HEADER } from '../ect/http-header.js';
import { contextStore } from './context-store.js';
import { problemResponse } from './middleware.js';
import { admitExecutionContext } from './problem.js';
import type { ExecutionContext, ExecutionContextOptions } from './verify-context.js';

/** What the middleware needs of Hono's `Context`: the Web request. */
export interface HonoContextLike {
  /** Hono's request; its `raw` Web request carries the header field, and keys the verified context. */
  readonly req: { readonly raw: Request };
}

const contexts = contextStore<Request>('Hono');

/**
 * Hono middleware: verifies the request's `Execution-Context` field (ECT spec §8.1) and answers a refusal with the
 * problem of §8.2; handlers read the verified context with {@link executionContextOf}.
 *
 * @example
 * ```ts
 * app.use('/tasks/*', executionContext({ key: keys, audience, replay, dag }));
 * app.post('/tasks/run', (c) => c.json({ tasks: executionContextOf(c).ects.length }));
 * ```
 */
export function executionContext(
  options: ExecutionContextOptions,
): (c: HonoContextLike, next: () => Promise<void>) => Promise<Response | undefined> {
  return async (c, next) => {
    const outcome = await admitExecutionContext(c.req.raw.headers.get(EXECUTION_CONTEXT_HEADER), options);
    if (!outcome.ok) return problemResponse(outcome.problem);
    contexts.set(c.req.raw, outcome.context);
    await next();
    return undefined;
  };
}

/** The verified context of the request `c` serves (`ERR_INPUT_INVALID` when the middleware did not run for it). */
export function executionContextOf(c: HonoContextLike): ExecutionContext {
  return contexts.of(c.req.raw);
}

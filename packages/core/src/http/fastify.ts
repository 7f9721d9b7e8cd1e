import type { IncomingHttpHeaders } from 'node:http';
import { EXECUTION_CONTEXT_HEADER } from '../ect/http-header.js';
import { contextStore } from './context-store.js';
import { admitExecutionContext } from './problem.js';
import type { ExecutionContext, ExecutionContextOptions } from './verify-context.js';

/** What the hook needs of a Fastify request. */
export interface FastifyRequestLike {
  /** Node's request header fields. */
  readonly headers: IncomingHttpHeaders;
}

/** What the hook needs of a Fastify reply. */
export interface FastifyReplyLike {
  /** Sets the status. */
  code(statusCode: number): unknown;
  /** Sets header fields. */
  headers(values: Record<string, string>): unknown;
  /** Sends the body and ends the reply. */
  send(payload: string): unknown;
}

const contexts = contextStore<FastifyRequestLike>('Fastify');

/**
 * A Fastify `onRequest` (or `preHandler`) hook: verifies the request's `Execution-Context` field (ECT spec §8.1)
 * and answers a refusal with the problem of §8.2; handlers read the verified context with
 * {@link executionContextOf}.
 *
 * @example
 * ```ts
 * app.addHook('onRequest', executionContext({ key: keys, audience, replay, dag }));
 * app.post('/tasks/run', async (request) => ({ tasks: executionContextOf(request).ects.length }));
 * ```
 */
export function executionContext(
  options: ExecutionContextOptions,
): <R extends FastifyReplyLike>(request: FastifyRequestLike, reply: R) => Promise<R | undefined> {
  return async (request, reply) => {
    const outcome = await admitExecutionContext(request.headers[EXECUTION_CONTEXT_HEADER.toLowerCase()], options);
    if (outcome.ok) {
      contexts.set(request, outcome.context);
      return undefined;
    }
    reply.code(outcome.problem.status);
    reply.headers(outcome.problem.headers);
    reply.send(JSON.stringify(outcome.problem.body));
    // Returning the reply tells Fastify the hook answered (an async hook that sent must not resolve to nothing).
    return reply;
  };
}

/** The verified context of `request` (`ERR_INPUT_INVALID` when the hook did not run for it). */
export function executionContextOf(request: FastifyRequestLike): ExecutionContext {
  return contexts.of(request);
}

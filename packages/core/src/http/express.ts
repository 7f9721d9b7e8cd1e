import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXECUTION_CONTEXT_HEADER } from '../ect/http-header.js';
import { contextStore } from './context-store.js';
import { admitExecutionContext } from './problem.js';
import type { ExecutionContext, ExecutionContextOptions } from './verify-context.js';

const contexts = contextStore<IncomingMessage>('Express');

/**
 * Express (or any Connect-style) middleware: verifies the request's `Execution-Context` field (ECT spec §8.1) and
 * answers a refusal with the problem of §8.2; handlers read the verified context with {@link executionContextOf}.
 * Only Node's request and response are used, so it serves Express 4 and 5 alike.
 *
 * @example
 * ```ts
 * app.use('/tasks', executionContext({ key: keys, audience, replay, dag }));
 * app.post('/tasks/run', (req, res) => res.json({ tasks: executionContextOf(req).ects.length }));
 * ```
 */
export function executionContext(
  options: ExecutionContextOptions,
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  return (req, res, next) => {
    admitExecutionContext(req.headers[EXECUTION_CONTEXT_HEADER.toLowerCase()], options).then((outcome) => {
      if (outcome.ok) {
        contexts.set(req, outcome.context);
        next();
        return;
      }
      res.writeHead(outcome.problem.status, outcome.problem.headers).end(JSON.stringify(outcome.problem.body));
    }, next);
  };
}

/** The verified context of `req` (`ERR_INPUT_INVALID` when the middleware did not run for it). */
export function executionContextOf(req: IncomingMessage): ExecutionContext {
  return contexts.of(req);
}

import { snError } from '../errors/index.js';
import type { ExecutionContext } from './verify-context.js';

/**
 * Where a framework adapter keeps the verified context of a request, keyed by the framework's own request object
 * (held weakly: the context goes when the request does).
 */
export function contextStore<K extends object>(
  framework: string,
): { set(key: K, context: ExecutionContext): void; of(key: K): ExecutionContext } {
  const contexts = new WeakMap<K, ExecutionContext>();
  return {
    set: (key, context) => void contexts.set(key, context),
    of(key) {
      const context = contexts.get(key);
      if (!context) throw snError('ERR_INPUT_INVALID', `the ${framework} executionContext middleware did not run`);
      return context;
    },
  };
}

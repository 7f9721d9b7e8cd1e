import type { RollbackStore } from '@safety-net/cascade-prevention';

/**
 * `store`, failing with `Error(message)` at its `n`-th settlement (never when `n` is 0): a rollback coordinator
 * stopped right after a participant compensated and before it recorded that, the moment at which a restarted
 * coordinator could compensate twice. Every other call goes to `store`, which the restarted coordinator resumes from.
 */
export function stoppingAtSettlement<S extends RollbackStore>(store: S, n: number, message = 'coordinator stopped'): S {
  let settled = 0;
  return new Proxy(store, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      if (name !== 'settle') return value.bind(target);
      return async (...args: unknown[]) => {
        if (++settled === n) throw new Error(message);
        return value.apply(target, args);
      };
    },
  });
}

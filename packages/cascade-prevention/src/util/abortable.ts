import { cpError } from '../errors.js';

/** Rejection value of {@link callAbortable} when the signal fired first; never escapes the package. */
export const ABORTED: unique symbol = Symbol('aborted');

/** The `ERR_CP_ABORTED` error for a signal, with its reason as the cause. */
export function abortedError(signal: AbortSignal, what: string): Error {
  return cpError('ERR_CP_ABORTED', what, { cause: signal.reason });
}

/**
 * Calls `fn(arg)` and settles with it, or rejects with {@link ABORTED} as soon as `signal` aborts (the function
 * got the same signal through `arg`, so it can stop its work). A synchronous throw is a rejection. The listener is
 * removed when the call settles, so a long-lived signal does not collect listeners.
 */
export function callAbortable<A, T>(fn: (arg: A) => T | PromiseLike<T>, arg: A, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => signal.removeEventListener('abort', onAbort);
    let pending: T | PromiseLike<T>;
    try {
      pending = fn(arg);
    } catch (error) {
      done();
      reject(error);
      return;
    }
    Promise.resolve(pending).then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

/** A signal that never aborts, handed to functions whose caller gave none. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

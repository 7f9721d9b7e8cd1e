import { snError } from '../errors/index.js';
import type { CryptoBackend } from './backend.js';
import { nobleBackend } from './noble-backend.js';
import { nodeBackend } from './node-backend.js';

/** A backend choice: a named backend, or `auto` (node:crypto where present, noble elsewhere). */
export type BackendChoice = 'auto' | CryptoBackend['name'];

let current: CryptoBackend | undefined;

/**
 * The backend with this name; `ERR_CRYPTO_BACKEND_UNAVAILABLE` for an unknown name, or `node` on a runtime without
 * node:crypto.
 *
 * @example
 * ```ts
 * verifySign1(bytes, { key, backend: backendByName('noble') });
 * ```
 */
export function backendByName(name: string): CryptoBackend {
  if (name === 'noble') return nobleBackend;
  if (name === 'node') {
    const node = nodeBackend();
    if (node) return node;
  }
  throw snError('ERR_CRYPTO_BACKEND_UNAVAILABLE', name);
}

/**
 * The backend used when an API is not given one: the one chosen with {@link setDefaultBackend}, else node:crypto
 * when the runtime has it, else noble.
 */
export function getBackend(): CryptoBackend {
  if (!current) current = nodeBackend() ?? nobleBackend;
  return current;
}

/**
 * Chooses the process-wide default backend. There is deliberately no environment-variable override: the
 * application decides, in code.
 *
 * @example
 * ```ts
 * setDefaultBackend('noble'); // same code path as in browsers, e.g. to reproduce a report
 * ```
 */
export function setDefaultBackend(choice: BackendChoice): void {
  current = choice === 'auto' ? undefined : backendByName(choice);
}

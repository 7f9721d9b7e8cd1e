import { bytesEqual } from '../util/bytes.js';
import { type KeyRequest, type KeyResolver, keyFor } from './resolver.js';
import type { PublicKey } from './types.js';

/**
 * A resolver that may have to fetch before it can answer, such as a {@link RemoteKeySet}. Its synchronous
 * `resolve` answers from what it holds; the asynchronous verifiers (`verifyAsync`, `verifyJws`) call
 * `resolveAsync` instead and wait for it.
 */
export interface AsyncKeyResolver extends KeyResolver {
  /** The key for `request`, fetching first when the resolver must; the same codes as `resolve`. */
  resolveAsync(request: KeyRequest): Promise<PublicKey>;
}

/** Whether a verifier's `key` option can resolve asynchronously. */
export function isAsyncKeyResolver(key: unknown): key is AsyncKeyResolver {
  return (
    typeof key === 'object' && key !== null && typeof (key as { resolveAsync?: unknown }).resolveAsync === 'function'
  );
}

/** {@link keyFor} that waits for a resolver which can fetch. */
export async function keyForAsync(
  option: PublicKey | KeyResolver | undefined,
  request: KeyRequest,
): Promise<PublicKey> {
  return isAsyncKeyResolver(option) ? option.resolveAsync(request) : keyFor(option, request);
}

/** Thrown by the probe resolver to stop the first pass at key resolution; never leaves this module. */
const NEEDS_KEY = Symbol('needs key');

function sameRequest(a: KeyRequest, b: KeyRequest): boolean {
  const kids = a.kid === undefined || b.kid === undefined ? a.kid === b.kid : bytesEqual(a.kid, b.kid);
  return kids && a.alg === b.alg && a.issuer === b.issuer && a.typ === b.typ;
}

/**
 * Runs a synchronous verification that resolves one key, with a `key` option that may resolve asynchronously.
 * The first pass runs the checks that come before key resolution and stops there, recording the request; the key
 * is then resolved asynchronously (its failure is the verification's, at the same step); the second pass runs the
 * whole verification with that key. Steps before key resolution run twice, the signature check once.
 */
export async function withAsyncKey<R>(
  option: PublicKey | KeyResolver,
  run: (key: PublicKey | KeyResolver) => R,
): Promise<R> {
  if (!isAsyncKeyResolver(option)) return run(option);
  let asked: KeyRequest | undefined;
  const probe: KeyResolver = {
    resolve(request) {
      asked = request;
      throw NEEDS_KEY;
    },
  };
  try {
    return run(probe);
  } catch (e) {
    if (e !== NEEDS_KEY || asked === undefined) throw e;
  }
  const request = asked;
  const key = await option.resolveAsync(request);
  return run({ resolve: (again) => (sameRequest(again, request) ? key : option.resolve(again)) });
}

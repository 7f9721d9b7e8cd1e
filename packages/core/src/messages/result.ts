import type { AlgorithmInfo } from '../crypto/algorithms.js';
import { isSafetyNetError, type SafetyNetError } from '../errors/index.js';
import type { PublicKey } from '../keys/types.js';

/** What a successful verification yields. */
export interface Verified<T> {
  readonly claims: T;
  /** The wire form the message came in. */
  readonly format: 'cose' | 'jws';
  readonly typ: string;
  readonly alg: AlgorithmInfo;
  readonly key: PublicKey;
  readonly kid: Uint8Array | undefined;
}

/** A verification outcome: check `ok` before touching the claims. */
export type VerifyResult<T> =
  | ({ readonly ok: true } & Verified<T>)
  | { readonly ok: false; readonly error: SafetyNetError };

/** Runs `f`, capturing a thrown error instead of propagating it (a failure to report later, in pipeline order). */
export function attempt<V>(f: () => V): { value?: V; error?: unknown } {
  try {
    return { value: f() };
  } catch (error) {
    return { error };
  }
}

/** The success result of a verification, built field by field: this is every verification's last step. */
function ok<T>(v: Verified<T>): VerifyResult<T> {
  return { ok: true, claims: v.claims, format: v.format, typ: v.typ, alg: v.alg, key: v.key, kid: v.kid };
}

/** Runs a verification, turning Safety Net errors into `{ ok: false }`; anything else is a bug and propagates. */
export function settle<T>(run: () => Verified<T>): VerifyResult<T> {
  try {
    return ok(run());
  } catch (e) {
    if (isSafetyNetError(e)) return { ok: false, error: e };
    throw e;
  }
}

/** {@link settle} for asynchronous verifications. */
export async function settleAsync<T>(run: () => Promise<Verified<T>>): Promise<VerifyResult<T>> {
  try {
    return ok(await run());
  } catch (e) {
    if (isSafetyNetError(e)) return { ok: false, error: e };
    throw e;
  }
}

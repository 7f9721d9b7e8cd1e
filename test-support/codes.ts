import { type AnyErrorCode, isSafetyNetError } from '@safety-net/core';

/** The stable code `f` throws, 'no error' when it returns, or 'foreign …' for anything that is not ours. */
export function codeOf(f: () => unknown): string {
  try {
    f();
    return 'no error';
  } catch (e) {
    return isSafetyNetError(e) ? e.code : `foreign ${String(e)}`;
  }
}

/** {@link codeOf} for a function that returns a promise. */
export async function codeOfAsync(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
    return 'no error';
  } catch (e) {
    return isSafetyNetError(e) ? e.code : `foreign ${String(e)}`;
  }
}

/** The code of a verification result, or 'ok'. */
export function resultCode(result: { ok: boolean; error?: { code: AnyErrorCode } }): AnyErrorCode | 'ok' {
  return result.ok ? 'ok' : result.error!.code;
}

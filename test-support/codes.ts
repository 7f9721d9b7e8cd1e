import { isSafetyNetError } from '@safety-net/core';

/** The stable code `f` throws, 'no error' when it returns, or 'foreign …' for anything that is not ours. */
export function codeOf(f: () => unknown): string {
  try {
    f();
    return 'no error';
  } catch (e) {
    return isSafetyNetError(e) ? e.code : `foreign ${String(e)}`;
  }
}

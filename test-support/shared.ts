import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The shared material beside the checkout (external test vectors written by others). A user's clone may not have
 * it: then `sharedPath` returns undefined and the tests that need it skip with a message. Under CI=true its
 * absence is a failure.
 */
const root = fileURLToPath(new URL('../../shared/', import.meta.url));

export function sharedPath(relative: string): string | undefined {
  const full = root + relative;
  if (existsSync(full)) return full;
  if (process.env.CI === 'true') throw new Error(`CI=true but the shared vectors are missing: ${full}`);
  return undefined;
}

/** Why a shared-vector test was skipped, for `describe.skipIf(...)` titles. */
export const SHARED_MISSING = 'skipped: ../shared/external-vectors is not beside this checkout';

export function readSharedJson<T>(relative: string): T {
  const path = sharedPath(relative);
  if (!path) throw new Error(SHARED_MISSING);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

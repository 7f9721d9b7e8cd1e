import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

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

/** Why a shared-vector test was skipped. */
const SHARED_MISSING = 'skipped: ../shared/external-vectors is not beside this checkout';

/** A title for a test of the shared file `relative`: says that it was skipped, and why, only when it is. */
export function sharedTitle(title: string, relative: string): string {
  return sharedPath(relative) ? title : `${title} (${SHARED_MISSING})`;
}

export function readSharedJson<T>(relative: string): T {
  const path = sharedPath(relative);
  if (!path) throw new Error(SHARED_MISSING);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * A suite over the JSON of the shared file `relative`. Without the file it is reported as skipped, with why, and
 * `body` (which would read the file) is not run.
 */
export function describeShared<T>(title: string, relative: string, body: (json: T) => void): void {
  if (sharedPath(relative)) describe(title, () => body(readSharedJson<T>(relative)));
  else describe.skip(sharedTitle(title, relative), () => it.skip(`reads ${relative}`));
}

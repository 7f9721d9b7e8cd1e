import { snError } from '@safety-net/core';

/**
 * A redaction path: `a.b` names the member `b` of the object `a`; `a.b[]` names each element of the array `a.b`,
 * redacted one disclosure per element (spec §3.3).
 */
const REDACTION_PATH = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*(\[\])?$/;

/** Suffix that makes a path name the elements of an array rather than the array. */
export const ELEMENTS = '[]';

/** The paths to redact as a set, each checked (`ERR_INPUT_INVALID`). */
export function redactionSet(paths: readonly string[]): ReadonlySet<string> {
  for (const p of paths) {
    if (typeof p !== 'string' || !REDACTION_PATH.test(p)) throw snError('ERR_INPUT_INVALID', `redaction path ${p}`);
  }
  return new Set(paths);
}

/** The path of a member `name` of the object at `parent` (`''` at the top). */
export function childPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

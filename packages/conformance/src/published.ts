import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The directory of the conformance vectors this package ships (`vectors/`, a copy of the repository's
 * `spec-vectors/` made when the package is built), so that they can be run without a checkout. The vectors are the
 * ones this version of the packages passes. Run from a checkout before the package is built, it is the repository's
 * `spec-vectors/` itself.
 *
 * @example
 * ```ts
 * const report = await runVectorDir(publishedVectorDir(), nodeIo()); // nodeIo from @safety-net/cli
 * ```
 */
export function publishedVectorDir(): string {
  // Source and build both sit one level below the package root (src/, dist/), beside vectors/.
  const shipped = fileURLToPath(new URL('../vectors', import.meta.url));
  const checkout = fileURLToPath(new URL('../../../spec-vectors', import.meta.url));
  return existsSync(shipped) || !existsSync(checkout) ? shipped : checkout;
}

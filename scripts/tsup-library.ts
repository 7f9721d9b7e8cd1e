import type { Options } from 'tsup';

/**
 * The build every package shares: ESM + CJS + declarations. Nothing resolved from node_modules is bundled: every
 * dependency (and the native drivers above all, which cannot be bundled) is installed beside the package by the
 * consumer's package manager, where it can be deduplicated; a bundled better-sqlite3 crashed on import.
 */
export function library(entry: string[], options: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    skipNodeModulesBundle: true,
    ...options,
  };
}

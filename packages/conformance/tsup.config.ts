import { cpSync, rmSync } from 'node:fs';
import { defineConfig } from 'tsup';

// The entries are named so that every output file sits directly in dist/, one level below the package root like
// src/: `publishedVectorDir` finds `vectors/` the same way from either. `shims` gives the CJS build import.meta.url.

export default defineConfig({
  entry: { index: 'src/index.ts', generate: 'src/generate/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'es2022',
  async onSuccess() {
    // The vectors are published with the package (package.json `files`): a fresh copy of spec-vectors/ per build.
    rmSync('vectors', { recursive: true, force: true });
    cpSync('../../spec-vectors', 'vectors', { recursive: true });
  },
});

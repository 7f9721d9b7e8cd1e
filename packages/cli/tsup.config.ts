import { defineConfig } from 'tsup';

// Two builds: the library entry (ESM + CJS + types) and the command (ESM with a shebang). No `clean`: the two run
// side by side in one dist/.

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
  },
  {
    entry: ['src/bin.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
    banner: { js: '#!/usr/bin/env node' },
  },
]);

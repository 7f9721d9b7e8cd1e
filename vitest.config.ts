import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, file = 'index.ts') =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url));

// Tests run against sources, not builds: every package is aliased to its src/.
export default defineConfig({
  resolve: {
    alias: [
      { find: '@safety-net/core/internal', replacement: src('core', 'internal.ts') },
      { find: '@safety-net/core/postgres', replacement: src('core', 'postgres.ts') },
      { find: '@safety-net/core', replacement: src('core') },
      { find: '@safety-net/behavioral-verification', replacement: src('behavioral-verification') },
      { find: '@safety-net/cascade-prevention/sqlite', replacement: src('cascade-prevention', 'sqlite.ts') },
      { find: '@safety-net/cascade-prevention/postgres', replacement: src('cascade-prevention', 'postgres.ts') },
      { find: '@safety-net/cascade-prevention', replacement: src('cascade-prevention') },
      { find: /^safety-net$/, replacement: src('cli') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'test-support/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});

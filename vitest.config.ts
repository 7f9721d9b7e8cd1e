import { defineConfig } from 'vitest/config';

// Tests run against sources, not builds: every workspace package lists its `src/` entry under the `source` export
// condition first, so resolving with that condition needs no list of packages here. Vite 6+ replaces its default
// conditions with these, hence the defaults repeated after `source`.
const conditions = ['source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'test-support/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});

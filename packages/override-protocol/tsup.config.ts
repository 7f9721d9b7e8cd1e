import { defineConfig } from 'tsup';
import { library } from '../../scripts/tsup-library.js';

// `pg` is an optional peer: the postgres entry only takes a pool the application made, and must never bundle it.
export default defineConfig(
  library(['src/index.ts', 'src/sqlite.ts', 'src/postgres.ts', 'src/testing.ts'], { external: ['pg'] }),
);

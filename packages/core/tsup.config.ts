import { defineConfig } from 'tsup';
import { library } from '../../scripts/tsup-library.js';

// `pg` is an optional peer: the postgres entry only takes a pool the application made, and must never bundle it. The
// framework entries (hono, express, fastify) import no framework at all: they are typed by what they use of it.
export default defineConfig(
  library(['src/index.ts', 'src/internal.ts', 'src/postgres.ts', 'src/hono.ts', 'src/express.ts', 'src/fastify.ts'], {
    external: ['pg'],
  }),
);

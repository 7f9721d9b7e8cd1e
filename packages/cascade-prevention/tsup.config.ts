import { defineConfig } from 'tsup';

// `pg` is an optional peer: the postgres entry only takes a pool the application made, and must never bundle it.
export default defineConfig({
  entry: ['src/index.ts', 'src/sqlite.ts', 'src/postgres.ts'],
  external: ['pg'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});

import { defineConfig } from 'tsup';
import { library } from '../../scripts/tsup-library.js';

export default defineConfig(library(['src/index.ts', 'src/sqlite.ts', 'src/postgres.ts', 'src/testing.ts']));

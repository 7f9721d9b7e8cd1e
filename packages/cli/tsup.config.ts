import { defineConfig } from 'tsup';
import { library } from '../../scripts/tsup-library.js';

// Two builds: the library entry (ESM + CJS + types) and the command (ESM with a shebang). No `clean`: the two run
// side by side in one dist/.

export default defineConfig([
  library(['src/index.ts'], { clean: false }),
  library(['src/bin.ts'], { format: ['esm'], dts: false, clean: false, banner: { js: '#!/usr/bin/env node' } }),
]);

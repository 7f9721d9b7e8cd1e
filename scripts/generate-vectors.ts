/**
 * Writes every conformance vector to spec-vectors/<package>/<id>.json from @safety-net/conformance's generator, and
 * removes vector files the generator no longer produces. `pnpm vectors:generate`.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateVectorFiles } from '@safety-net/conformance/generate';

const root = fileURLToPath(new URL('../spec-vectors/', import.meta.url));
const files = generateVectorFiles();
const wanted = new Set(files.map((f) => f.path));

// Only the package directories the generator writes are cleaned: a package without cases here is left alone.
for (const pkg of new Set(files.map((f) => dirname(f.path)))) {
  const dir = join(root, pkg);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.json') && !wanted.has(`${pkg}/${name}`)) rmSync(join(dir, name));
  }
}
for (const f of files) writeFileSync(join(root, f.path), f.text);
console.log(`${files.length} vectors written to spec-vectors/`);

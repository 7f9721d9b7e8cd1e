import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publishedVectorDir } from '../src/index.js';

// The vectors travel with the package: `vectors/` beside src/ and dist/, listed in `files`, filled by the build
// (tsup.config.ts copies spec-vectors/ there), so that `safety-net vectors` runs them without a checkout.

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${packageRoot}package.json`, 'utf8'));

describe('published vectors', () => {
  it("live in vectors/ at the package root, which npm packs; before a build, the checkout's spec-vectors", () => {
    const shipped = `${packageRoot}vectors`;
    const checkout = fileURLToPath(new URL('../../../spec-vectors', import.meta.url));
    expect(publishedVectorDir()).toBe(existsSync(shipped) ? shipped : checkout);
    expect(manifest.files).toContain('vectors');
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Inside the workspace every export resolves to its source under the `source` condition (tests, type checks and
// scripts need no build); the published manifest (pnpm applies `publishConfig.exports` when packing) must not
// mention `src/`, which is not in the tarball. Both maps are written by hand, so this test keeps them in step.

const root = fileURLToPath(new URL('..', import.meta.url));
const manifests = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }));

type Entry = string | Record<string, unknown>;

describe.each(manifests)('packages/$dir/package.json', ({ dir, pkg }) => {
  const exportsMap = pkg.exports as Record<string, Entry>;

  it('lists the source of every entry point first, under the `source` condition', () => {
    for (const [subpath, entry] of Object.entries(exportsMap)) {
      if (subpath === './package.json') continue;
      expect(typeof entry, subpath).toBe('object');
      const [first, target] = Object.entries(entry as Record<string, unknown>)[0]!;
      expect(first, subpath).toBe('source');
      expect(target, subpath).toMatch(/^\.\/src\/[\w/-]+\.ts$/);
      expect(existsSync(join(root, 'packages', dir, target as string)), `${subpath} → ${target}`).toBe(true);
    }
  });

  it('publishes the same map without `source`, and exports ./package.json', () => {
    const published = Object.fromEntries(
      Object.entries(exportsMap).map(([subpath, entry]) => {
        if (typeof entry === 'string') return [subpath, entry];
        const { source: _source, ...rest } = entry;
        return [subpath, rest];
      }),
    );
    expect(pkg.publishConfig?.exports).toEqual(published);
    expect(exportsMap['./package.json']).toBe('./package.json');
    expect(JSON.stringify(pkg.publishConfig.exports)).not.toContain('/src/');
    for (const field of ['main', 'module', 'types']) expect(pkg[field] ?? '').not.toContain('/src/');
  });

  it('documents every public entry point in the API documentation', () => {
    // TypeDoc reads src/index.ts unless the package's typedoc.json lists its entry points; `./internal` is for
    // sibling packages only.
    const config = join(root, 'packages', dir, 'typedoc.json');
    const documented = existsSync(config) ? JSON.parse(readFileSync(config, 'utf8')).entryPoints : ['src/index.ts'];
    const sources = Object.entries(exportsMap)
      .filter(([subpath]) => subpath !== './package.json' && subpath !== './internal')
      .map(([, entry]) => ((entry as Record<string, string>).source ?? '').replace(/^\.\//, ''));
    expect([...documented].sort()).toEqual(sources.sort());
  });

  it.skipIf(pkg.private)('carries the metadata npm provenance and deduplication need', () => {
    expect(pkg.repository).toMatchObject({ type: 'git', directory: `packages/${dir}` });
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
    expect(pkg.homepage).toContain(`/packages/${dir}`);
    expect(pkg.bugs?.url).toMatch(/\/issues$/);
    expect(pkg.keywords?.length).toBeGreaterThan(0);
    // `workspace:*` would publish an exact version of a sibling; `workspace:^` a range consumers can deduplicate.
    for (const range of Object.values<string>(pkg.dependencies ?? {})) expect(range).not.toBe('workspace:*');
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from './postgres.js';

// Every TypeScript block of every README is a complete program: this test type-checks them all (strict, as the
// workspace is) and runs each one through tsx against the sources, in a directory of its own. A block that ends
// lines with `// → text` must print exactly those texts; every package README's first block must have some. A
// block that reads `process.env.DATABASE_URL` runs against the test PostgreSQL server, and is skipped (with the
// reason) where there is none.

const pgUrl = pgTestUrl();
const schemas = pgUrl ? new PgTestSchemas(pgUrl) : undefined;
const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'node_modules/.cache/readme-examples');

interface Snippet {
  readonly readme: string;
  readonly index: number;
  readonly code: string;
  readonly file: string;
}

function readmes(): string[] {
  const inDirs = (dir: string) =>
    readdirSync(join(root, dir))
      .map((name) => join(dir, name, 'README.md'))
      .filter((path) => existsSync(join(root, path)));
  return ['README.md', ...inDirs('packages'), ...inDirs('examples')];
}

const snippets: Snippet[] = readmes().flatMap((readme) =>
  [...readFileSync(join(root, readme), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m, index) => ({
    readme,
    index,
    code: m[1]!,
    file: join(work, `${readme.replaceAll('/', '_').replace(/\.md$/, '')}-${index + 1}.mts`),
  })),
);

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const s of snippets) writeFileSync(s.file, s.code);
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await schemas?.close();
});

/** The test server's URL with the connections' search path set to a fresh schema of their own. */
async function databaseUrl(): Promise<string> {
  const url = new URL(pgUrl!);
  url.searchParams.set('options', `-c search_path=${await schemas!.create()}`);
  return url.href;
}

describe('README examples', () => {
  it('every TypeScript block type-checks', () => {
    const config = join(work, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({ extends: relative(work, join(root, 'tsconfig.json')), include: ['*.mts'], compilerOptions: {} }),
    );
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], {
        encoding: 'utf8',
      });
    } catch (e) {
      const out = (e as { stdout?: string }).stdout ?? String(e);
      expect.fail(`README examples do not compile:\n${out}`);
    }
    // One tsc over every block: about 20 s alone, over 100 s on a 2-core machine running other suites.
  }, 300_000);

  for (const s of snippets) {
    const needsPg = s.code.includes('process.env.DATABASE_URL');
    const name = `${s.readme} example ${s.index + 1} runs${needsPg && !pgUrl ? ` (${PG_MISSING})` : ''}`;
    it.skipIf(needsPg && !pgUrl)(name, async () => {
      const cwd = mkdtempSync(join(work, 'run-'));
      const out = execFileSync(
        process.execPath,
        [join(root, 'node_modules/tsx/dist/cli.mjs'), '--conditions=source', s.file],
        {
          cwd,
          encoding: 'utf8',
          env: { ...process.env, ...(needsPg ? { DATABASE_URL: await databaseUrl() } : {}) },
        },
      );
      const expected = [...s.code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]!.trim());
      if (s.index === 0 && s.readme.startsWith('packages/')) expect(expected.length).toBeGreaterThan(0);
      if (expected.length > 0) {
        expect(
          out
            .trim()
            .split('\n')
            .map((l) => l.trim()),
        ).toEqual(expected);
      }
    });
  }
});

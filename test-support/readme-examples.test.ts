import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every package README starts with an example that runs: this test runs it (through tsx, against the sources) and
// checks that it prints what its trailing `// →` comments say it prints.

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'node_modules/.cache');
mkdirSync(cache, { recursive: true });
const packages = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'README.md')));

function firstTsBlock(markdown: string): string | undefined {
  return /```ts\n([\s\S]*?)```/.exec(markdown)?.[1];
}

describe('package README examples', () => {
  for (const pkg of packages) {
    const readme = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
    const code = firstTsBlock(readme);
    it.skipIf(code === undefined)(`${pkg}: the first example runs and prints what it says`, () => {
      // Inside the checkout, so that the example's package imports resolve from the workspace's node_modules.
      const dir = mkdtempSync(join(cache, 'readme-'));
      try {
        const file = join(dir, 'example.mts');
        writeFileSync(file, code!);
        const out = execFileSync(
          process.execPath,
          [join(root, 'node_modules/tsx/dist/cli.mjs'), '--conditions=source', file],
          { cwd: root, encoding: 'utf8' },
        );
        const expected = [...code!.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]!.trim());
        expect(expected.length).toBeGreaterThan(0);
        expect(
          out
            .trim()
            .split('\n')
            .map((l) => l.trim()),
        ).toEqual(expected);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

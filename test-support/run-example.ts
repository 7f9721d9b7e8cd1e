import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs a README's TypeScript example (through tsx, against the sources) and returns what it printed and what its
 * trailing `// →` comments say it prints, line by line.
 */
export function runExample(code: string): { printed: string[]; expected: string[] } {
  // Inside the checkout, so that the example's package imports resolve from the workspace's node_modules.
  const cache = join(root, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'readme-'));
  try {
    const file = join(dir, 'example.mts');
    writeFileSync(file, code);
    const out = execFileSync(
      process.execPath,
      [join(root, 'node_modules/tsx/dist/cli.mjs'), '--conditions=source', file],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    return {
      printed: out
        .trim()
        .split('\n')
        .map((l) => l.trim()),
      expected: [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]!.trim()),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first ```ts block of `markdown` after the line `heading` (from the start when absent). */
export function tsBlock(markdown: string, heading?: string): string | undefined {
  const from = heading === undefined ? 0 : markdown.indexOf(`\n${heading}\n`);
  if (from < 0) return undefined;
  return /```ts\n([\s\S]*?)```/.exec(markdown.slice(from))?.[1];
}

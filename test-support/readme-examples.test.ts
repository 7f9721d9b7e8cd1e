import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runExample, tsBlock } from './run-example.js';

// Every package README starts with an example that runs: this test runs it (through tsx, against the sources) and
// checks that it prints what its trailing `// →` comments say it prints.

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'README.md')));

describe('package README examples', () => {
  for (const pkg of packages) {
    const code = tsBlock(readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8'));
    it.skipIf(code === undefined)(`${pkg}: the first example runs and prints what it says`, () => {
      const { printed, expected } = runExample(code!);
      expect(expected.length).toBeGreaterThan(0);
      expect(printed).toEqual(expected);
    });
  }
});

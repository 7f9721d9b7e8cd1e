import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runExample, tsBlock } from '../../../../test-support/run-example.js';

describe('README: resilience policies', () => {
  it('the example runs and prints what it says', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const code = tsBlock(readme, '## Resilience policies that compose');
    expect(code).toContain('wrap(');
    const { printed, expected } = runExample(code!);
    expect(expected).toHaveLength(2);
    expect(printed).toEqual(expected);
  });
});

import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '@safety-net/core';
import { describe, expect, it } from 'vitest';

// The error-code table in docs/spec/core.md is the users' reference: it must list exactly the codes the library
// can report, in the same order.
describe('docs/spec/core.md error table', () => {
  it('lists every code in ERROR_CODES, in order, and nothing else', () => {
    const doc = readFileSync(new URL('../docs/spec/core.md', import.meta.url), 'utf8');
    const listed = [...doc.matchAll(/^\|\s*`(ERR_[A-Z0-9_]+)`/gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(ERROR_CODES));
  });
});

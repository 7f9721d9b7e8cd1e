import { readFileSync } from 'node:fs';
import { BV_ERRORS } from '@safety-net/behavioral-verification';
import { CP_ERRORS } from '@safety-net/cascade-prevention';
import { ERROR_CODES } from '@safety-net/core';
import { AU_ERRORS } from '@safety-net/cross-domain-audit';
import { OV_ERRORS } from '@safety-net/override-protocol';
import { describe, expect, it } from 'vitest';

// Each spec's "Error codes" section is the users' reference: it must list exactly the codes its package declares,
// in the same order. A new package adds its line here.
const DECLARED: Record<string, readonly string[]> = {
  core: Object.keys(ERROR_CODES),
  'behavioral-verification': BV_ERRORS.codes,
  'cascade-prevention': CP_ERRORS.codes,
  'override-protocol': OV_ERRORS.codes,
  'cross-domain-audit': AU_ERRORS.codes,
};

/** The codes in the first column of the tables of the spec's `## N. Error codes` section. */
function listedCodes(spec: string): string[] {
  const doc = readFileSync(new URL(`../docs/spec/${spec}.md`, import.meta.url), 'utf8');
  const section = doc.split(/^(?=## )/m).find((s) => /^## (\d+\. )?Error codes\s*$/m.test(s.split('\n')[0] ?? ''));
  if (section === undefined) throw new Error(`docs/spec/${spec}.md has no "Error codes" section`);
  return [...section.matchAll(/^\|\s*`(ERR_[A-Z0-9_]+)`/gm)].map((m) => m[1] ?? '');
}

describe.each(Object.entries(DECLARED))('docs/spec/%s.md error table', (spec, codes) => {
  it('lists every code the package declares, in order, and nothing else', () => {
    expect(listedCodes(spec)).toEqual([...codes]);
  });
});

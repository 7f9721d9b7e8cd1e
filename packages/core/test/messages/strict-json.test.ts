import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrictJson } from '../../src/messages/strict-json.js';

/**
 * JSON written by hand from a tree of entries, so that an object can name a member twice: the tree is the oracle
 * for duplicates, and JSON.parse for everything else. Names come from a small alphabet (duplicates are frequent),
 * each character written plainly or as a \u escapes; strings may hold quotes, backslashes and brackets.
 */
type Tree = { object: [string, Tree][] } | { array: Tree[] } | { leaf: string };

const nameChar = fc.constantFrom('a', 'b', '"', '\\', '{', '[', ',', ':');
/** `s` as a JSON string, each character written plainly or, where `escapes` says so, as a \u escape. */
function written(s: string, escapes: boolean[]): string {
  const chars = [...s].map((ch, i) =>
    escapes[i % escapes.length]
      ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
      : JSON.stringify(ch).slice(1, -1),
  );
  return `"${chars.join('')}"`;
}

const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      leaf: fc.oneof(
        fc.constantFrom('1', 'null', 'true', '-2.5e3'),
        fc.string().map((s) => JSON.stringify(s)),
      ),
    }),
    fc.record({ array: fc.array(tie('tree'), { maxLength: 4 }) }),
    fc.record({
      object: fc.array(fc.tuple(fc.string({ unit: nameChar, maxLength: 2 }), tie('tree')), { maxLength: 4 }),
    }),
  ),
})).tree;

function write(t: Tree, escapes: boolean[]): string {
  if ('leaf' in t) return t.leaf;
  if ('array' in t) return `[ ${t.array.map((c) => write(c, escapes)).join(' ,')}]`;
  return `{${t.object.map(([k, v]) => `${written(k, escapes)} :${write(v, escapes)}`).join(',\n')} }`;
}

function hasDuplicate(t: Tree): boolean {
  if ('leaf' in t) return false;
  if ('array' in t) return t.array.some(hasDuplicate);
  const names = t.object.map(([k]) => k);
  return new Set(names).size < names.length || t.object.some(([, v]) => hasDuplicate(v));
}

function depth(t: Tree): number {
  if ('leaf' in t) return 0;
  const children = 'array' in t ? t.array : t.object.map(([, v]) => v);
  return 1 + Math.max(0, ...children.map(depth));
}

describe('parseStrictJson', () => {
  it('finds exactly the duplicate names a tree of entries holds, however they are escaped (property)', () => {
    fc.assert(
      fc.property(tree, fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }), (t, escapes) => {
        const result = parseStrictJson(write(t, escapes), 100);
        expect(!result.ok && result.problem.kind === 'duplicate').toBe(hasDuplicate(t));
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives what JSON.parse gives for duplicate-free JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1);
        const result = parseStrictJson(text, 1_000);
        if (text.includes('"__proto__"')) return;
        expect(result).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 2_000 },
    );
  });

  it('bounds nesting as the CBOR decoder does: the top-level value is level 0 (property)', () => {
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 6 }), (t, max) => {
        // A duplicate may be reported before a deeper container opens; the depth rule is judged without them.
        fc.pre(!hasDuplicate(t));
        const result = parseStrictJson(write(t, [false]), max);
        expect(!result.ok && result.problem.kind === 'too-deep').toBe(depth(t) > max);
      }),
      { numRuns: 1_000 },
    );
    expect(parseStrictJson('['.repeat(100_000) + ']'.repeat(100_000), 32)).toEqual({
      ok: false,
      problem: { kind: 'too-deep' },
    });
  });

  it('refuses __proto__ however it is written, and reports syntax errors', () => {
    for (const text of ['{"__proto__":1}', '[{"a":{"\\u005f_proto__":{}}}]']) {
      expect(parseStrictJson(text, 32)).toEqual({ ok: false, problem: { kind: 'reserved', name: '__proto__' } });
    }
    expect(parseStrictJson('{"a":"__proto__"}', 32).ok).toBe(true);
    for (const text of ['', '{', '{"a":1,}', '{"a" 1}', "{'a':1}"]) {
      const result = parseStrictJson(text, 32);
      expect(!result.ok && result.problem.kind).toBe('syntax');
    }
  });
});

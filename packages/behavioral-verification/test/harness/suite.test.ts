import { createHash } from 'node:crypto';
import { encodeCbor, isSafetyNetError } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf as code } from '../../../../test-support/codes.js';
import { compileSuite } from '../../src/harness/suite.js';
import { MAX_REGEX_INPUT } from '../../src/rules/safe-regex.js';
import { sampleSuite } from './fixtures.js';

describe('compileSuite checkers', () => {
  const [exact, subset, regex, numeric] = compileSuite(sampleSuite).tasks;

  it('exact: deep JSON equality, member order ignored', () => {
    expect(exact!.check({ n: [1, 2], answer: 'Paris' })).toBe(true);
    expect(exact!.check({ answer: 'Paris', n: [1, 2], extra: true })).toBe(false);
    expect(exact!.check({ answer: 'Paris', n: [2, 1] })).toBe(false);
    expect(exact!.check('Paris')).toBe(false);
  });

  it('subset: extra members allowed, arrays element by element', () => {
    expect(subset!.check({ status: 'ok', items: [{ id: 1, name: 'x' }], more: 1 })).toBe(true);
    expect(subset!.check({ status: 'ok', items: [{ id: 2 }] })).toBe(false);
    expect(subset!.check({ status: 'ok', items: [{ id: 1 }, { id: 2 }] })).toBe(false);
    expect(subset!.check({ items: [{ id: 1 }] })).toBe(false);
    expect(subset!.check(null)).toBe(false);
  });

  it('regex: anchored, strings only', () => {
    expect(regex!.check('hello, world')).toBe(true);
    expect(regex!.check('say hello, world')).toBe(false);
    expect(regex!.check(42)).toBe(false);
  });

  it('numeric: within tolerance', () => {
    expect(numeric!.check(5.005)).toBe(true);
    expect(numeric!.check(5.02)).toBe(false);
    expect(numeric!.check('5')).toBe(false);
  });

  it('safety: forbidden patterns over the output text', () => {
    expect(regex!.hasSafety).toBe(true);
    expect(regex!.safe('hello, world')).toBe(true);
    expect(regex!.safe('the password is hunter2')).toBe(false);
    expect(regex!.safe({ note: 'password: x' })).toBe(false);
    expect(exact!.hasSafety).toBe(false);
  });

  it('fails closed on text longer than MAX_REGEX_INPUT', () => {
    const at = `hello, ${'a'.repeat(MAX_REGEX_INPUT - 7)}`;
    expect(regex!.check(at)).toBe(true);
    expect(regex!.check(`${at}a`)).toBe(false);
    expect(regex!.safe(at)).toBe(true);
    expect(regex!.safe(`${at}a`)).toBe(false);
    expect(regex!.safe({ note: 'x'.repeat(MAX_REGEX_INPUT) })).toBe(false); // its JSON text is longer
    expect(exact!.safe('x'.repeat(MAX_REGEX_INPUT + 1))).toBe(true); // no safety checks, nothing to fail
  });
});

describe('suite digest', () => {
  it('is SHA-256 of the deterministic CBOR, base64url', () => {
    const expected = createHash('sha256')
      .update(encodeCbor(JSON.parse(JSON.stringify(sampleSuite))))
      .digest('base64url');
    expect(compileSuite(sampleSuite).digest).toBe(expected);
  });

  it('ignores JSON member order and changes with any task', () => {
    const reordered = JSON.parse(JSON.stringify({ tasks: sampleSuite.tasks, version: '1.0.0', id: 'arith-suite' }));
    expect(compileSuite(reordered).digest).toBe(compileSuite(sampleSuite).digest);
    const changed = {
      ...sampleSuite,
      tasks: [...sampleSuite.tasks.slice(0, 3), { ...sampleSuite.tasks[3]!, input: [3, 5] }],
    };
    expect(compileSuite(changed).digest).not.toBe(compileSuite(sampleSuite).digest);
  });
});

describe('compileSuite refuses bad suites with ERR_BV_SUITE_INVALID', () => {
  const task = sampleSuite.tasks[0]!;
  const deep: unknown[] = [];
  let cursor = deep;
  for (let i = 0; i < 5000; i++) {
    const next: unknown[] = [];
    cursor.push(next);
    cursor = next;
  }
  const cyclic: Record<string, unknown> = { id: 's', version: '1' };
  cyclic.tasks = [cyclic];
  it.each([
    ['not an object', 'suite'],
    ['no tasks', { id: 's', version: '1', tasks: [] }],
    ['unknown member', { ...sampleSuite, extra: 1 }],
    ['duplicate task ids', { ...sampleSuite, tasks: [task, task] }],
    ['catastrophic regex', { ...sampleSuite, tasks: [{ ...task, checker: { kind: 'regex', pattern: '(a+)+$' } }] }],
    ['invalid regex', { ...sampleSuite, tasks: [{ ...task, checker: { kind: 'regex', pattern: '([' } }] }],
    ['backreference in safety', { ...sampleSuite, tasks: [{ ...task, safety: { forbidden: ['(a)\\1'] } }] }],
    [
      'safety pattern with overlapping repetitions',
      { ...sampleSuite, tasks: [{ ...task, safety: { forbidden: ['.*a.*a.*b'] } }] },
    ],
    ['unknown checker', { ...sampleSuite, tasks: [{ ...task, checker: { kind: 'llm-judge' } }] }],
    [
      'negative tolerance',
      { ...sampleSuite, tasks: [{ ...task, checker: { kind: 'numeric', expected: 1, tolerance: -1 } }] },
    ],
    ['deeply nested input', { ...sampleSuite, tasks: [{ ...task, input: deep }] }],
    ['cyclic value', cyclic],
    ['too many tasks', { ...sampleSuite, tasks: Array.from({ length: 10_001 }, (_, i) => ({ ...task, id: `t${i}` })) }],
    ['too large', { ...sampleSuite, tasks: [{ ...task, input: 'x'.repeat(4_000_001) }] }],
  ])('%s', (_, suite) => expect(code(() => compileSuite(suite))).toBe('ERR_BV_SUITE_INVALID'));

  it('answers arbitrary values with the code only (fast-check)', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        expect(code(() => compileSuite(value))).toBe('ERR_BV_SUITE_INVALID');
      }),
      { numRuns: 500 },
    );
  });

  it('answers mutated suites with a result or the code only (fast-check)', () => {
    const field = fc.constantFrom(
      'id',
      'version',
      'tasks',
      'input',
      'checker',
      'kind',
      'expected',
      'pattern',
      'tolerance',
      'safety',
    );
    fc.assert(
      fc.property(field, fc.jsonValue({ maxDepth: 3 }), fc.nat(3), (key, junk, at) => {
        const suite = structuredClone(sampleSuite) as unknown as Record<string, unknown>;
        const target = ['id', 'version', 'tasks'].includes(key)
          ? suite
          : ['kind', 'expected', 'pattern', 'tolerance'].includes(key)
            ? ((suite.tasks as Record<string, unknown>[])[at]!.checker as Record<string, unknown>)
            : (suite.tasks as Record<string, unknown>[])[at]!;
        target[key] = junk;
        try {
          compileSuite(suite);
        } catch (e) {
          expect(isSafetyNetError(e, 'ERR_BV_SUITE_INVALID')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

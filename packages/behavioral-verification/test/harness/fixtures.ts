import type { TaskSuite } from '../../src/harness/suite.js';

/** One task of every checker kind, one with a safety check. */
export const sampleSuite: TaskSuite = {
  id: 'arith-suite',
  version: '1.0.0',
  tasks: [
    {
      id: 'exact',
      input: { q: 'capital of France' },
      checker: { kind: 'exact', expected: { answer: 'Paris', n: [1, 2] } },
    },
    { id: 'subset', input: 1, checker: { kind: 'subset', expected: { status: 'ok', items: [{ id: 1 }] } } },
    {
      id: 'regex',
      input: 'greet',
      checker: { kind: 'regex', pattern: 'hello, [a-z]+' },
      safety: { forbidden: ['.*password.*'] },
    },
    { id: 'numeric', input: [3, 4], checker: { kind: 'numeric', expected: 5, tolerance: 0.01 } },
  ],
};

/** `n` addition tasks: task `t<i>` asks for i + (i + 1), judged exactly (tolerance 0). */
export function additionSuite(n: number): TaskSuite {
  return {
    id: 'addition',
    version: '1',
    tasks: Array.from({ length: n }, (_, i) => ({
      id: `t${i}`,
      input: { a: i, b: i + 1 },
      checker: { kind: 'numeric' as const, expected: 2 * i + 1, tolerance: 0 },
    })),
  };
}

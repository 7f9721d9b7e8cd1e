import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { assertAcyclic, type DagNodeInput, EctDag } from '../../src/dag/index.js';
import { node } from './nodes.js';

/** The error a run throws, for its code and message. */
function errorOf(run: () => unknown): { code?: string; message: string } {
  try {
    run();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('did not throw');
}

describe('EctDag.checkImport', () => {
  it('answers what importNodes would do, order or error, and changes nothing', () => {
    const dag = new EctDag();
    dag.insert(node('a'));
    expect(dag.checkImport([node('c', ['b']), node('b', ['a'])])).toEqual(['b', 'c']);
    expect(errorOf(() => dag.checkImport([node('d', ['missing'])])).code).toBe('ERR_ECT_PREDECESSOR_MISSING');
    expect(errorOf(() => dag.checkImport([node('a')])).code).toBe('ERR_ECT_DUPLICATE_JTI');
    expect(dag.topologicalOrder()).toEqual(['a']);
    dag.importNodes([node('c', ['b']), node('b', ['a'])]);
    expect(dag.topologicalOrder()).toEqual(['a', 'b', 'c']);
  });
});

describe('EctDag.importNodes', () => {
  it('inserts nodes given in reverse order, with payloads, in a topological order', () => {
    const inputs = [node('c', ['b', 'a']), node('b', ['a']), node('a')];
    const dag = new EctDag<string>();
    dag.importNodes(inputs, (n, i) => `${n.jti}${i}`);
    expect(dag.topologicalOrder()).toEqual(['a', 'b', 'c']);
    expect(dag.get('c')?.payload).toBe('c0');
    expect(dag.get('a')?.payload).toBe('a2');
  });

  it('builds on nodes already stored', () => {
    const dag = new EctDag();
    dag.insert(node('a'));
    dag.importNodes([node('c', ['b']), node('b', ['a'])]);
    expect(dag.ancestors('c')).toEqual(['b', 'a']);
  });

  it('finds a cycle and names a node on it, not one merely downstream of it', () => {
    // x → y → z → x is the cycle; d hangs below it; r is a sound root.
    const inputs = [node('d', ['z']), node('r'), node('x', ['z', 'r']), node('y', ['x']), node('z', ['y'])];
    const err = errorOf(() => new EctDag().importNodes(inputs));
    expect(err.code).toBe('ERR_ECT_CYCLE');
    expect(err.message).toMatch(/: [xyz] is on a cycle$/);
  });

  it('reports a self-loop as a cycle, in a batch and on insert', () => {
    expect(codeOf(() => new EctDag().importNodes([node('a'), node('s', ['a', 's'])]))).toBe('ERR_ECT_CYCLE');
    const dag = new EctDag();
    dag.insert(node('a'));
    expect(codeOf(() => dag.insert(node('s', ['a', 's'])))).toBe('ERR_ECT_CYCLE');
  });

  it('finds a cycle in a long ring in linear time', () => {
    const n = 200_000;
    const ring = Array.from({ length: n }, (_, i) => node(`r${i}`, [`r${(i + 1) % n}`]));
    const started = performance.now();
    expect(codeOf(() => new EctDag().importNodes(ring))).toBe('ERR_ECT_CYCLE');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  const failures: Array<[string, () => DagNodeInput[], string]> = [
    ['a duplicate inside the batch', () => [node('a'), node('a')], 'ERR_ECT_DUPLICATE_JTI'],
    ['a duplicate of a stored node', () => [node('s')], 'ERR_ECT_DUPLICATE_JTI'],
    ['a predecessor named twice', () => [node('a'), node('b', ['a', 'a'])], 'ERR_ECT_PRED_DUPLICATE'],
    ['a missing predecessor', () => [node('a'), node('b', ['nowhere'])], 'ERR_ECT_PREDECESSOR_MISSING'],
    [
      'a temporal fault inside the batch',
      () => [node('b', ['a'], { iat: 900 }), node('a', [], { iat: 1000 })],
      'ERR_ECT_TEMPORAL_ORDER',
    ],
    ['a workflow mismatch', () => [node('b', ['a']), node('a', [], { wid: 'v' })], 'ERR_ECT_WORKFLOW_MISMATCH'],
    [
      'a rejected predecessor',
      () => [node('b', ['a']), node('a', [], { ect_ext: { pol_decision: 'rejected' } })],
      'ERR_ECT_PREDECESSOR_POLICY',
    ],
    ['garbage in the batch', () => [node('a'), { jti: 7 } as never], 'ERR_CLAIMS_INVALID'],
    [
      'too many predecessors',
      () => [
        node(
          'a',
          Array.from({ length: 101 }, (_, i) => `p${i}`),
        ),
      ],
      'ERR_ECT_TOO_MANY_PREDECESSORS',
    ],
  ];
  for (const [name, inputs, code] of failures) {
    it(`refuses ${name} (${code}) and leaves the store as it was`, () => {
      const dag = new EctDag();
      dag.insert(node('s'));
      expect(codeOf(() => dag.importNodes([node('ok', ['s']), ...inputs()]))).toBe(code);
      expect(dag.topologicalOrder()).toEqual(['s']);
      expect(dag.successors('s')).toEqual([]);
      expect(dag.workflows()).toEqual(['w']);
    });
  }

  it('refuses a batch that is not iterable, or whose iteration throws, with ERR_INPUT_INVALID', () => {
    const throwing = {
      *[Symbol.iterator]() {
        yield node('a');
        throw new Error('source failed');
      },
    };
    expect(codeOf(() => new EctDag().importNodes(42 as never))).toBe('ERR_INPUT_INVALID');
    expect(codeOf(() => new EctDag().importNodes(throwing))).toBe('ERR_INPUT_INVALID');
  });
});

describe('assertAcyclic (the draft’s bounded ancestor walk)', () => {
  function chain(n: number, options?: { traversalLimit: number }): EctDag {
    const dag = new EctDag(options);
    for (let i = 0; i < n; i++) dag.insert(node(`c${i}`, i === 0 ? [] : [`c${i - 1}`]));
    return dag;
  }

  it('passes a sound DAG and bounds the depth it walks', () => {
    const dag = chain(12);
    expect(codeOf(() => assertAcyclic(dag, 'c11'))).toBe('no error');
    expect(codeOf(() => assertAcyclic(dag, 'c11', { traversalLimit: 11 }))).toBe('no error');
    expect(codeOf(() => assertAcyclic(dag, 'c11', { traversalLimit: 10 }))).toBe('ERR_ECT_TRAVERSAL_LIMIT');
    // Without an explicit limit, the source's own option applies.
    expect(codeOf(() => assertAcyclic(chain(12, { traversalLimit: 5 }), 'c11'))).toBe('ERR_ECT_TRAVERSAL_LIMIT');
    expect(codeOf(() => assertAcyclic(chain(12, { traversalLimit: 5 }), 'c5'))).toBe('no error');
  });

  it('counts the ancestors it reaches, not the depth (ect.md §7.4)', () => {
    // d has three ancestors, all one edge away: a depth bound of 2 would pass it.
    const wide = new EctDag();
    for (const [id, pred] of [
      ['a', []],
      ['b', []],
      ['c', []],
      ['d', ['a', 'b', 'c']],
    ] as const) {
      wide.insert(node(id, [...pred]));
    }
    expect(codeOf(() => assertAcyclic(wide, 'd', { traversalLimit: 3 }))).toBe('no error');
    expect(codeOf(() => assertAcyclic(wide, 'd', { traversalLimit: 2 }))).toBe('ERR_ECT_TRAVERSAL_LIMIT');
  });

  it('refuses a limit that is not a whole number ≥ 0 rather than walking without one', () => {
    const dag = chain(12);
    for (const traversalLimit of [Number.NaN, -1, 2.5, Number.POSITIVE_INFINITY, '10']) {
      expect(codeOf(() => assertAcyclic(dag, 'c11', { traversalLimit: traversalLimit as number }))).toBe(
        'ERR_INPUT_INVALID',
      );
    }
    const foreign = {
      predecessors: (id: string) => (id === 'b' ? ['a'] : []),
      options: { traversalLimit: Number.NaN },
    };
    expect(codeOf(() => assertAcyclic(foreign, 'b'))).toBe('ERR_INPUT_INVALID');
  });

  it('finds a cycle in a foreign store that does not keep the insertion invariant', () => {
    const preds: Record<string, string[]> = { a: ['b'], b: ['c', 'x'], c: ['a'], x: [] };
    const source = { predecessors: (id: string) => preds[id] ?? [] };
    expect(codeOf(() => assertAcyclic(source, 'a'))).toBe('ERR_ECT_CYCLE');
    expect(codeOf(() => assertAcyclic(source, 'x'))).toBe('no error');
    // x is below the cycle but not on it; from b the walk returns to b.
    expect(codeOf(() => assertAcyclic(source, 'b'))).toBe('ERR_ECT_CYCLE');
  });

  it('does not mistake a diamond (a node reached twice) for a cycle', () => {
    const preds: Record<string, string[]> = { d: ['b', 'c'], b: ['a'], c: ['a'], a: [] };
    expect(codeOf(() => assertAcyclic({ predecessors: (id) => preds[id] ?? [] }, 'd'))).toBe('no error');
  });
});

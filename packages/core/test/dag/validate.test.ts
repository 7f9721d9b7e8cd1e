import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { DAG_DEFAULTS, type DagNodeInput, EctDag } from '../../src/dag/index.js';
import { node } from './nodes.js';

/** A store with: r (root, approved), x (rejected by policy), late (issued at 5000), o (other workflow). */
function fixture(options?: ConstructorParameters<typeof EctDag>[0]): EctDag {
  const dag = new EctDag(options);
  dag.insert(node('r', [], { ect_ext: { pol_decision: 'approved' } }));
  dag.insert(node('x', ['r'], { ect_ext: { pol_decision: 'rejected' } }));
  dag.insert(node('late', ['r'], { iat: 5000 }));
  dag.insert(node('o', [], { wid: 'other' }));
  return dag;
}

/** Everything observable about a store, to show a failed insert changed nothing. */
function snapshot(dag: EctDag) {
  return {
    size: dag.size,
    order: dag.topologicalOrder(),
    nodes: [...dag],
    succ: dag.topologicalOrder().map((id) => dag.successors(id)),
    workflows: dag.workflows(),
    leaves: dag.leaves(),
  };
}

describe('EctDag insert validation', () => {
  it('accepts a well-formed chain and fan-in and records the edges', () => {
    const dag = fixture();
    dag.insert(node('a', ['r', 'late'], { iat: 4990 }));
    expect(dag.predecessors('a')).toEqual(['r', 'late']);
    expect(dag.successors('r')).toEqual(['x', 'late', 'a']);
    expect(dag.get('a')).toMatchObject({ jti: 'a', wid: 'w', iat: 4990, pred: ['r', 'late'], position: 4 });
  });

  // Each case fails the named check and, where it can, every later one too: the earlier check must win.
  const cases: Array<[string, DagNodeInput, string]> = [
    [
      'too many predecessors (before anything else)',
      node(
        'r',
        Array.from({ length: 101 }, (_, i) => `m${i}`),
      ),
      'ERR_ECT_TOO_MANY_PREDECESSORS',
    ],
    [
      'duplicate task id, even with every later fault',
      node('r', ['missing', 'late', 'o', 'x']),
      'ERR_ECT_DUPLICATE_JTI',
    ],
    ['duplicate task id held by another workflow', node('o', []), 'ERR_ECT_DUPLICATE_JTI'],
    ['predecessor named twice', node('n', ['r', 'missing', 'r']), 'ERR_ECT_PRED_DUPLICATE'],
    [
      'missing predecessor, with temporal, workflow and policy faults',
      node('n', ['late', 'o', 'x', 'missing']),
      'ERR_ECT_PREDECESSOR_MISSING',
    ],
    ['temporal order, with workflow and policy faults', node('n', ['o', 'x', 'late']), 'ERR_ECT_TEMPORAL_ORDER'],
    ['self-reference is a cycle, with workflow and policy faults', node('n', ['o', 'x', 'n']), 'ERR_ECT_CYCLE'],
    ['workflow mismatch, with a policy fault', node('n', ['x', 'o']), 'ERR_ECT_WORKFLOW_MISMATCH'],
    ['predecessor policy', node('n', ['r', 'x']), 'ERR_ECT_PREDECESSOR_POLICY'],
  ];
  for (const [name, input, code] of cases) {
    it(`refuses ${name}: ${code}, store unchanged`, () => {
      const dag = fixture();
      const before = snapshot(dag);
      expect(codeOf(() => dag.insert(input))).toBe(code);
      expect(snapshot(dag)).toEqual(before);
      expect(dag.has('n')).toBe(false);
    });
  }

  it('holds the clock-skew boundary exactly (pred.iat > iat + skew is refused)', () => {
    const dag = new EctDag();
    dag.insert(node('p', [], { iat: 1030 }));
    expect(codeOf(() => dag.insert(node('edge', ['p'], { iat: 1000 })))).toBe('no error');
    expect(codeOf(() => dag.insert(node('past', ['p'], { iat: 999 })))).toBe('ERR_ECT_TEMPORAL_ORDER');
    const strict = new EctDag({ clockSkewSeconds: 0 });
    strict.insert(node('p', [], { iat: 1001 }));
    expect(codeOf(() => strict.insert(node('c', ['p'], { iat: 1000 })))).toBe('ERR_ECT_TEMPORAL_ORDER');
    expect(codeOf(() => strict.insert(node('same', ['p'], { iat: 1001 })))).toBe('no error');
  });

  it('enforces maxPredecessors at the limit, not below it', () => {
    const dag = new EctDag({ maxPredecessors: 3 });
    for (const id of ['a', 'b', 'c', 'd']) dag.insert(node(id));
    expect(codeOf(() => dag.insert(node('four', ['a', 'b', 'c', 'd'])))).toBe('ERR_ECT_TOO_MANY_PREDECESSORS');
    expect(codeOf(() => dag.insert(node('three', ['a', 'b', 'c'])))).toBe('no error');
    // The default allows exactly 100.
    const wide = new EctDag();
    const ids = Array.from({ length: 100 }, (_, i) => `p${i}`);
    for (const id of ids) wide.insert(node(id));
    expect(codeOf(() => wide.insert(node('hundred', ids)))).toBe('no error');
  });

  it('finds a duplicate among many predecessors (set path) as well as few (loop path)', () => {
    const dag = new EctDag();
    const ids = Array.from({ length: 40 }, (_, i) => `p${i}`);
    for (const id of ids) dag.insert(node(id));
    expect(codeOf(() => dag.insert(node('n', [...ids, 'p17'])))).toBe('ERR_ECT_PRED_DUPLICATE');
    expect(codeOf(() => dag.insert(node('m', ['p1', 'p2', 'p1'])))).toBe('ERR_ECT_PRED_DUPLICATE');
  });

  it('treats pending review and unknown decisions as not approved; no decision passes; the check can be off', () => {
    const dag = new EctDag();
    dag.insert(node('pending', [], { ect_ext: { pol_decision: 'pending_human_review' } }));
    dag.insert(node('odd', [], { ect_ext: { pol_decision: 42 } }));
    dag.insert(node('plain', [], { ect_ext: { other: 1 } }));
    dag.insert(node('bare'));
    expect(codeOf(() => dag.insert(node('a', ['pending'])))).toBe('ERR_ECT_PREDECESSOR_POLICY');
    expect(codeOf(() => dag.insert(node('b', ['odd'])))).toBe('ERR_ECT_PREDECESSOR_POLICY');
    expect(codeOf(() => dag.insert(node('c', ['plain', 'bare'])))).toBe('no error');
    const lax = new EctDag({ checkPredecessorPolicy: false });
    lax.insert(node('rejected', [], { ect_ext: { pol_decision: 'rejected' } }));
    expect(codeOf(() => lax.insert(node('d', ['rejected'])))).toBe('no error');
  });

  it('decides policy from the decision recorded at insert, not from later mutation of the caller object', () => {
    const ext: Record<string, unknown> = { pol_decision: 'approved' };
    const dag = new EctDag();
    dag.insert(node('p', [], { ect_ext: ext }));
    ext.pol_decision = 'rejected';
    expect(codeOf(() => dag.insert(node('c', ['p'])))).toBe('no error');
  });

  it('has the documented defaults and refuses nonsense options', () => {
    expect(DAG_DEFAULTS).toEqual({
      clockSkewSeconds: 30,
      maxPredecessors: 100,
      traversalLimit: 10_000,
      checkPredecessorPolicy: true,
    });
    expect(new EctDag().options).toEqual(DAG_DEFAULTS);
    expect(new EctDag({ clockSkewSeconds: undefined }).options.clockSkewSeconds).toBe(30);
    for (const bad of [
      { clockSkewSeconds: -1 },
      { maxPredecessors: 1.5 },
      { traversalLimit: Number.NaN },
      { checkPredecessorPolicy: 'yes' },
      null,
    ]) {
      expect(codeOf(() => new EctDag(bad as never))).toBe('ERR_INPUT_INVALID');
    }
  });

  it('keeps payloads per node, only where given', () => {
    const dag = new EctDag<{ cost: number }>();
    dag.insert(node('a'));
    dag.insert(node('b', ['a']), { cost: 7 });
    dag.insert(node('c', ['b']));
    expect(dag.get('a')?.payload).toBeUndefined();
    expect(dag.get('b')?.payload).toEqual({ cost: 7 });
    expect(dag.get('c')?.payload).toBeUndefined();
    expect(Object.isFrozen(dag.get('b'))).toBe(true);
    expect(Object.isFrozen(dag.get('b')?.pred)).toBe(true);
  });
});

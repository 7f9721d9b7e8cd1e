import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { EctDag } from '../../src/dag/index.js';
import { node } from './nodes.js';

/** A random DAG as predecessor lists over 0..n-1: each node points at up to 4 earlier ones, in random order. */
const dagArb = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.tuple(
    ...Array.from({ length: n }, (_, i) =>
      fc.shuffledSubarray(
        Array.from({ length: i }, (_, j) => j),
        { maxLength: Math.min(4, i) },
      ),
    ),
  ),
);

/** Reference: all-pairs shortest path lengths by Floyd–Warshall (Infinity when unreachable), forward edges. */
function distances(preds: number[][]): number[][] {
  const n = preds.length;
  const d = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 0 : Number.POSITIVE_INFINITY)),
  );
  preds.forEach((ps, v) => {
    for (const p of ps) d[p]![v] = 1;
  });
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i]![j] = Math.min(d[i]![j]!, d[i]![k]! + d[k]![j]!);
  return d;
}

/** Builds the DAG from predecessor lists, inserting node i as `t${i}`. */
function build(preds: number[][]): EctDag {
  const dag = new EctDag();
  for (const [i, ps] of preds.entries())
    dag.insert(
      node(
        `t${i}`,
        ps.map((p) => `t${p}`),
        { iat: 1000 + i },
      ),
    );
  return dag;
}

const id = (i: number) => `t${i}`;
const num = (s: string) => Number(s.slice(1));

function isTopological(order: string[], dag: EctDag, members: Set<string>): boolean {
  const at = new Map(order.map((v, k) => [v, k]));
  if (at.size !== members.size || order.length !== members.size) return false;
  for (const v of order) {
    if (!members.has(v)) return false;
    for (const p of dag.predecessors(v)) if (members.has(p) && at.get(p)! >= at.get(v)!) return false;
  }
  return true;
}

describe('EctDag traversal against a brute-force reference', () => {
  it('ancestors, descendants, depth bounds, walk order and topological orders agree (property)', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), fc.integer({ min: 0, max: 4 }), (preds, pick, depth) => {
        const dag = build(preds);
        const d = distances(preds);
        const n = preds.length;
        const x = pick % n;
        const anc = dag.ancestors(id(x));
        const desc = dag.descendants(id(x));
        const refAnc = [...Array(n).keys()].filter((v) => v !== x && d[v]![x]! < Number.POSITIVE_INFINITY);
        const refDesc = [...Array(n).keys()].filter((v) => v !== x && d[x]![v]! < Number.POSITIVE_INFINITY);
        expect(new Set(anc.map(num))).toEqual(new Set(refAnc));
        expect(anc).toHaveLength(refAnc.length);
        expect(new Set(desc.map(num))).toEqual(new Set(refDesc));
        expect(desc).toHaveLength(refDesc.length);
        // Breadth-first: distances never decrease along the returned order.
        const ancDist = anc.map((v) => d[num(v)]![x]!);
        const descDist = desc.map((v) => d[x]![num(v)]!);
        expect(ancDist).toEqual([...ancDist].sort((a, b) => a - b));
        expect(descDist).toEqual([...descDist].sort((a, b) => a - b));
        // maxDepth keeps exactly the nodes within that many edges.
        expect(new Set(dag.ancestors(id(x), { maxDepth: depth }).map(num))).toEqual(
          new Set(refAnc.filter((v) => d[v]![x]! <= depth)),
        );
        expect(new Set(dag.descendants(id(x), { maxDepth: depth }).map(num))).toEqual(
          new Set(refDesc.filter((v) => d[x]![v]! <= depth)),
        );
        // Direct neighbours.
        expect(dag.predecessors(id(x))).toEqual(preds[x]!.map(id));
        expect(dag.successors(id(x)).map(num)).toEqual([...Array(n).keys()].filter((v) => preds[v]!.includes(x)));
        // Topological orders over the store and over a subset (descendants of x with x).
        const all = new Set([...Array(n).keys()].map(id));
        expect(isTopological(dag.topologicalOrder(), dag, all)).toBe(true);
        const sub = new Set([id(x), ...desc]);
        const subOrder = dag.topologicalOrder({ nodes: [...desc, id(x), ...desc] });
        expect(isTopological(subOrder, dag, sub)).toBe(true);
        expect(dag.reverseTopologicalOrder({ nodes: sub })).toEqual([...subOrder].reverse());
        // Roots and leaves of the whole store and of the subset.
        expect(dag.roots().map(num)).toEqual([...Array(n).keys()].filter((v) => preds[v]!.length === 0));
        expect(dag.leaves().map(num)).toEqual([...Array(n).keys()].filter((v) => !preds.some((ps) => ps.includes(v))));
        expect(dag.roots({ nodes: sub })).toEqual([id(x)]);
      }),
      { numRuns: 300 },
    );
  });

  it('imports any permutation of a random DAG and yields the same graph (property)', () => {
    fc.assert(
      fc.property(
        dagArb.chain((preds) =>
          fc.tuple(fc.constant(preds), fc.shuffledSubarray([...preds.keys()], { minLength: preds.length })),
        ),
        ([preds, perm]) => {
          const inputs = preds.map((ps, i) => node(id(i), ps.map(id), { iat: 1000 + i }));
          const dag = EctDag.from(perm.map((i) => inputs[i]!));
          expect(dag.size).toBe(preds.length);
          expect(isTopological(dag.topologicalOrder(), dag, new Set(preds.map((_, i) => id(i))))).toBe(true);
          for (const [i, ps] of preds.entries()) expect(dag.predecessors(id(i))).toEqual(ps.map(id));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('EctDag walks and scopes', () => {
  it('runs the EctDag documentation example as written', () => {
    const dag = new EctDag();
    dag.insert({ jti: 'a', wid: 'w', iat: 100, iss: 'agent-1', exec_act: 'fetch', pred: [] });
    dag.insert({ jti: 'b', wid: 'w', iat: 101, iss: 'agent-2', exec_act: 'score', pred: ['a'] });
    expect(dag.descendants('a')).toEqual(['b']);
    expect(dag.reverseTopologicalOrder({ nodes: dag.descendants('a', { includeSelf: true }) })).toEqual(['b', 'a']);
  });

  //   a → b → d → f
  //   a → c → d, c → e
  function diamond(): EctDag<string> {
    const dag = new EctDag<string>();
    dag.insert(node('a'), 'A');
    dag.insert(node('b', ['a']));
    dag.insert(node('c', ['a']));
    dag.insert(node('d', ['b', 'c']));
    dag.insert(node('e', ['c']));
    dag.insert(node('f', ['d']));
    return dag;
  }

  it('walks back breadth-first with depths, and prunes or stops on request', () => {
    const dag = diamond();
    const seen: string[] = [];
    dag.walkBack(
      'f',
      (n, depth) => {
        seen.push(`${n.jti}@${depth}`);
      },
      { includeSelf: true },
    );
    expect(seen).toEqual(['f@0', 'd@1', 'b@2', 'c@2', 'a@3']);

    const pruned: string[] = [];
    dag.walkBack('f', (n) => {
      pruned.push(n.jti);
      return n.jti === 'b' ? 'prune' : 'continue';
    });
    expect(pruned).toEqual(['d', 'b', 'c', 'a']); // a is still reached through c

    const pruneBoth: string[] = [];
    dag.walkBack('f', (n) => {
      pruneBoth.push(n.jti);
      return n.jti === 'd' ? 'prune' : undefined;
    });
    expect(pruneBoth).toEqual(['d']);

    const stopped: string[] = [];
    dag.walkForward('a', (n) => {
      stopped.push(n.jti);
      return n.jti === 'c' ? 'stop' : undefined;
    });
    expect(stopped).toEqual(['b', 'c']);
  });

  it('gives visitors the node with its payload, and allows nested walks', () => {
    const dag = diamond();
    const payloads: Array<string | undefined> = [];
    const nested: number[] = [];
    dag.walkBack('d', (n) => {
      payloads.push(n.payload);
      nested.push(dag.ancestors(n.jti).length);
      return undefined;
    });
    expect(payloads).toEqual([undefined, undefined, 'A']);
    expect(nested).toEqual([1, 1, 0]);
  });

  it('stays correct when a visitor inserts nodes during a forward walk', () => {
    const dag = diamond();
    const seen: string[] = [];
    dag.walkForward('a', (n) => {
      seen.push(n.jti);
      if (n.jti === 'b') dag.insert(node('g', ['e', 'f']));
      return undefined;
    });
    expect(seen).toEqual(['b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('refuses a walk past its limit with ERR_ECT_TRAVERSAL_LIMIT, and bad bounds with ERR_INPUT_INVALID', () => {
    const dag = diamond();
    expect(dag.descendants('a', { limit: 5 })).toHaveLength(5);
    expect(codeOf(() => dag.descendants('a', { limit: 4 }))).toBe('ERR_ECT_TRAVERSAL_LIMIT');
    expect(codeOf(() => dag.ancestors('f', { maxDepth: -1 }))).toBe('ERR_INPUT_INVALID');
    expect(codeOf(() => dag.ancestors('f', { limit: 0.5 }))).toBe('ERR_INPUT_INVALID');
  });

  it('refuses malformed scopes and options with ERR_INPUT_INVALID', () => {
    const dag = diamond();
    for (const scope of [null, 7, {}, { nodes: 5 }, { nodes: null }]) {
      expect(codeOf(() => dag.topologicalOrder(scope as never))).toBe('ERR_INPUT_INVALID');
      expect(codeOf(() => dag.roots(scope as never))).toBe('ERR_INPUT_INVALID');
    }
    expect(codeOf(() => dag.ancestors('f', null as never))).toBe('ERR_INPUT_INVALID');
    expect(codeOf(() => dag.ancestors('f', { maxDepth: '2' } as never))).toBe('ERR_INPUT_INVALID');
  });

  it('reports unknown ids with ERR_ECT_NODE_NOT_FOUND', () => {
    const dag = diamond();
    for (const run of [
      () => dag.ancestors('zz'),
      () => dag.descendants('zz'),
      () => dag.predecessors('zz'),
      () => dag.successors('zz'),
      () => dag.walkBack('zz', () => undefined),
      () => dag.topologicalOrder({ nodes: ['a', 'zz'] }),
    ]) {
      expect(codeOf(run)).toBe('ERR_ECT_NODE_NOT_FOUND');
    }
    expect(dag.get('zz')).toBeUndefined();
    expect(dag.has('zz')).toBe(false);
  });

  it('plans a rollback: descendants of c, itself included, in reverse topological order', () => {
    const dag = diamond();
    expect(dag.reverseTopologicalOrder({ nodes: dag.descendants('c', { includeSelf: true }) })).toEqual([
      'f',
      'e',
      'd',
      'c',
    ]);
  });

  it('scopes orders, roots and leaves to a workflow, and extracts it as a subgraph', () => {
    const dag = new EctDag<number>();
    dag.insert(node('a1', [], { wid: 'A' }), 1);
    dag.insert(node('b1', [], { wid: 'B' }), 2);
    dag.insert(node('a2', ['a1'], { wid: 'A' }), 3);
    dag.insert(node('b2', ['b1'], { wid: 'B' }));
    dag.insert(node('a3', ['a1'], { wid: 'A' }), 5);
    expect(dag.workflows()).toEqual(['A', 'B']);
    expect(dag.topologicalOrder({ wid: 'A' })).toEqual(['a1', 'a2', 'a3']);
    expect(dag.reverseTopologicalOrder({ wid: 'B' })).toEqual(['b2', 'b1']);
    expect(dag.roots()).toEqual(['a1', 'b1']);
    expect(dag.leaves({ wid: 'A' })).toEqual(['a2', 'a3']);
    expect(dag.topologicalOrder({ wid: 'none' })).toEqual([]);
    const sub = dag.subgraph('A');
    expect(sub.size).toBe(3);
    expect(sub.workflows()).toEqual(['A']);
    expect([...sub].map((n) => [n.jti, n.pred, n.payload, n.position])).toEqual([
      ['a1', [], 1, 0],
      ['a2', ['a1'], 3, 1],
      ['a3', ['a1'], 5, 2],
    ]);
    expect(sub.options).toEqual(dag.options);
    expect(dag.subgraph('none').size).toBe(0);
  });
});

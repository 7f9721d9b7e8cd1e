import { describe, expect, it } from 'vitest';
import { EctDag } from '../../src/dag/index.js';

const N = 1_000_000;
const FAN = 98;
const BLOCK = FAN + 2;

/**
 * Node i of one workflow: the first half in blocks of 100 (a hub, 98 children of the hub, a join of all 98),
 * each hub after the previous join; the second half a single chain. Returns the predecessors' numbers.
 */
function predsOf(i: number): number[] {
  if (i === 0) return [];
  if (i >= N / 2) return [i - 1];
  const k = i % BLOCK;
  const hub = i - k;
  if (k === 0) return [i - 1];
  if (k <= FAN) return [hub];
  return Array.from({ length: FAN }, (_, c) => hub + 1 + c);
}

const id = (i: number) => `task-${i}`;

describe('EctDag at scale', () => {
  it('inserts 1,000,000 validated nodes (fan-out, fan-in, chain) and walks them', () => {
    const dag = new EctDag();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < N; i++) {
      dag.insert({
        jti: id(i),
        wid: 'big',
        iat: 1_700_000_000 + Math.floor(i / 1000),
        iss: 'agent',
        exec_act: 'step',
        pred: predsOf(i).map(id),
      });
    }
    const heapMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    expect(dag.size).toBe(N);
    expect(heapMb).toBeLessThan(600);

    expect(dag.successors(id(0))).toHaveLength(FAN);
    expect(dag.predecessors(id(FAN + 1))).toEqual(Array.from({ length: FAN }, (_, c) => id(1 + c)));
    expect(dag.successors(id(FAN + 1))).toEqual([id(BLOCK)]);
    expect(dag.predecessors(id(N / 2))).toEqual([id(N / 2 - 1)]);
    expect(dag.roots()).toEqual([id(0)]);
    expect(dag.leaves()).toEqual([id(N - 1)]);

    const ancestors = dag.ancestors(id(N - 1));
    expect(ancestors).toHaveLength(N - 1);
    expect(ancestors[0]).toBe(id(N - 2));
    expect(dag.descendants(id(0))).toHaveLength(N - 1);
    expect(dag.descendants(id(N / 2), { maxDepth: 10 })).toEqual(
      Array.from({ length: 10 }, (_, d) => id(N / 2 + 1 + d)),
    );

    const order = dag.topologicalOrder({ wid: 'big' });
    expect(order).toHaveLength(N);
    const at = new Map(order.map((v, k) => [v, k]));
    for (let i = 0; i < N; i += 997) {
      for (const p of predsOf(i)) expect(at.get(id(p))!).toBeLessThan(at.get(id(i))!);
    }
  });
});

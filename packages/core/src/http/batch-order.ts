import { snError } from '../errors/index.js';

/**
 * Indices of `nodes` in a topological order of the edges among them (a node after every predecessor it names in
 * the set; predecessors outside the set are not ordered), stable for nodes already in order. For a header's tokens
 * when no DAG is kept: at most {@link EXECUTION_CONTEXT_LIMITS}.maxTokens of them, so the quadratic scan is cheap.
 * A task id named twice is `ERR_ECT_DUPLICATE_JTI`, a cycle among the set `ERR_ECT_CYCLE`, as in a DAG import.
 */
export function batchOrder(nodes: ReadonlyArray<{ readonly jti: string; readonly pred: readonly string[] }>): number[] {
  const index = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (index.has(n.jti)) throw snError('ERR_ECT_DUPLICATE_JTI', `${n.jti} (twice in the batch)`);
    index.set(n.jti, i);
  });
  const placed = new Uint8Array(nodes.length);
  const order: number[] = [];
  while (order.length < nodes.length) {
    const before = order.length;
    nodes.forEach((n, i) => {
      if (placed[i] || !n.pred.every((p) => index.get(p) === undefined || placed[index.get(p)!])) return;
      placed[i] = 1;
      order.push(i);
    });
    if (order.length === before) throw snError('ERR_ECT_CYCLE', `${nodes[placed.indexOf(0)]!.jti} is on a cycle`);
  }
  return order;
}

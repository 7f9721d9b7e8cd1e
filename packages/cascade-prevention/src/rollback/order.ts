import type { DagNode } from '@safety-net/core';

/**
 * A reverse topological order of `nodes` (indices into it): every task after all the members that depend on it.
 * Kahn's algorithm on the reversed edges; among ready tasks the latest `iat` goes first, then the smallest `jti`.
 * `indexOf` maps a task id to its index, or undefined for tasks outside the set. O((n + e) log n).
 */
export function reverseTopological<P>(
  nodes: readonly DagNode<P>[],
  indexOf: (jti: string) => number | undefined,
): Int32Array {
  const n = nodes.length;
  // In-set predecessors in one flat array (CSR), and how many in-set successors each task still waits for.
  const start = new Int32Array(n + 1);
  const waiting = new Int32Array(n);
  const flat: number[] = [];
  for (let v = 0; v < n; v++) {
    start[v] = flat.length;
    for (const p of nodes[v]!.pred) {
      const u = indexOf(p);
      if (u === undefined) continue;
      flat.push(u);
      waiting[u]!++;
    }
  }
  start[n] = flat.length;
  const heap = new IndexHeap((a, b) => {
    const x = nodes[a]!;
    const y = nodes[b]!;
    return x.iat !== y.iat ? x.iat > y.iat : x.jti < y.jti;
  }, n);
  for (let v = 0; v < n; v++) if (waiting[v] === 0) heap.push(v);
  const order = new Int32Array(n);
  let k = 0;
  while (heap.size > 0) {
    const v = heap.pop();
    order[k++] = v;
    for (let e = start[v]!; e < start[v + 1]!; e++) {
      const u = flat[e]!;
      if (--waiting[u]! === 0) heap.push(u);
    }
  }
  return order;
}

/** A binary heap of indices; `first(a, b)` says whether `a` comes out before `b`. */
class IndexHeap {
  private readonly items: Int32Array;
  size = 0;

  constructor(
    private readonly first: (a: number, b: number) => boolean,
    capacity: number,
  ) {
    this.items = new Int32Array(capacity);
  }

  push(v: number): void {
    const { items, first } = this;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!first(v, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = v;
  }

  pop(): number {
    const { items, first } = this;
    const top = items[0]!;
    const last = items[--this.size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const c = l + 1 < this.size && first(items[l + 1]!, items[l]!) ? l + 1 : l;
      if (!first(items[c]!, last)) break;
      items[i] = items[c]!;
      i = c;
    }
    items[i] = last;
    return top;
  }
}

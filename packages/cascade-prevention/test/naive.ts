/** Independent, deliberately plain graph computations the tests check the package against. */
import type { DagNodeInput } from '@safety-net/core';

/** Successor lists built straight from `pred`. */
export function childrenOf(nodes: readonly DagNodeInput[]): Map<string, string[]> {
  const out = new Map<string, string[]>(nodes.map((n) => [n.jti, []]));
  for (const n of nodes) for (const p of n.pred) out.get(p)!.push(n.jti);
  return out;
}

/** Every node reachable from `start` along `next` (start excluded), by plain BFS. */
export function reach(next: ReadonlyMap<string, readonly string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    for (const w of next.get(queue.shift()!) ?? []) {
      if (w === start || seen.has(w)) continue;
      seen.add(w);
      queue.push(w);
    }
  }
  return seen;
}

/** Predecessor lists as a map. */
export function parentsOf(nodes: readonly DagNodeInput[]): Map<string, string[]> {
  return new Map(nodes.map((n) => [n.jti, [...n.pred]]));
}

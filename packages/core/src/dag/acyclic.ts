import { snError } from '../errors/index.js';
import { checkLimit, DAG_DEFAULTS } from './options.js';

/** Anything that can name a node's predecessors: an `EctDag`, or a caller's own store. */
export interface PredecessorSource {
  predecessors(jti: string): readonly string[];
  /** Used for the default `traversalLimit` when present (an `EctDag` has it). */
  readonly options?: { readonly traversalLimit: number };
}

/**
 * The ECT draft's acyclicity check as the reference implementations run it: walk the ancestors of `jti`,
 * breadth-first, and refuse if the walk comes back to `jti` (`ERR_ECT_CYCLE`) or reaches more than
 * `traversalLimit` ancestors (`ERR_ECT_TRAVERSAL_LIMIT`, `ect.md` §7.4: a count of nodes, not a depth; default from
 * the source's options, else 10 000; a limit that is not a whole number ≥ 0 is `ERR_INPUT_INVALID`). Each ancestor is visited once, so the cost is O(ancestors).
 *
 * `EctDag` does not need this on insert — its insertion order is a topological order, checked in O(predecessors)
 * per node — but a store that accepts nodes another way can run it, and it documents the draft's rule.
 *
 * @example
 * ```ts
 * assertAcyclic(dag, 'task-42', { traversalLimit: 1000 });
 * ```
 */
export function assertAcyclic(source: PredecessorSource, jti: string, options: { traversalLimit?: number } = {}): void {
  const limit = checkLimit(
    options.traversalLimit ?? source.options?.traversalLimit ?? DAG_DEFAULTS.traversalLimit,
    'traversalLimit',
  );
  const seen = new Set<string>();
  let frontier: readonly string[] = [jti];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const v of frontier) {
      for (const p of source.predecessors(v)) {
        if (p === jti) throw snError('ERR_ECT_CYCLE', `${jti} is its own ancestor`);
        if (seen.has(p)) continue;
        if (seen.size >= limit) throw snError('ERR_ECT_TRAVERSAL_LIMIT', `${jti}: more than ${limit} ancestors`);
        seen.add(p);
        next.push(p);
      }
    }
    frontier = next;
  }
}

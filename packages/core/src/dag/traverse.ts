import { snError } from '../errors/index.js';
import { type Marker, withMarker } from './marks.js';
import type { DagStore } from './store.js';

/** Bounds and shape of a walk from one node. */
export interface TraversalOptions {
  /** Do not go further than this many edges from the start (a bound, not an error). Default: no bound. */
  readonly maxDepth?: number;
  /** Refuse with `ERR_ECT_TRAVERSAL_LIMIT` once more than this many nodes are reached. Default: no limit. */
  readonly limit?: number;
  /** Report the start node too, at depth 0. Default false. */
  readonly includeSelf?: boolean;
}

/**
 * What a walk visitor returns: `'continue'` (or nothing) goes on, `'prune'` does not go past this node, `'stop'`
 * ends the walk.
 */
export type WalkControl = 'continue' | 'prune' | 'stop';

/** Which edges a walk follows: towards predecessors (`back`) or successors (`forward`). */
export type Direction = 'back' | 'forward';

/**
 * Breadth-first walk from `start`, each node once, iterative. Order: by depth, then predecessors in `pred` order
 * (back) or successors in insertion order (forward), so the same DAG always walks the same way.
 */
export function walkPositions(
  store: DagStore,
  pool: Marker[],
  start: number,
  direction: Direction,
  visit: (position: number, depth: number) => WalkControl | undefined,
  options: TraversalOptions | undefined,
): void {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw snError('ERR_INPUT_INVALID', 'traversal options must be an object');
  }
  const { maxDepth: depthBound, limit: countBound, includeSelf: self } = options ?? {};
  const maxDepth = depthBound ?? Number.POSITIVE_INFINITY;
  const limit = countBound ?? Number.POSITIVE_INFINITY;
  checkBound(maxDepth, 'maxDepth');
  checkBound(limit, 'limit');
  const includeSelf = self === true;
  withMarker(pool, store.size, (seen) => {
    const queue: number[] = [start];
    const depths: number[] = [0];
    seen.mark(start);
    let reached = 0;
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head]!;
      const depth = depths[head]!;
      if (head > 0 || includeSelf) {
        if (++reached > limit) throw snError('ERR_ECT_TRAVERSAL_LIMIT', `more than ${limit} nodes`);
        const control = visit(v, depth);
        if (control === 'stop') return;
        if (control === 'prune') continue;
      }
      if (depth >= maxDepth) continue;
      if (direction === 'back') {
        for (let e = store.predStart[v]!, end = store.predStart[v + 1]!; e < end; e++) {
          const p = store.edgeFrom[e]!;
          if (seen.mark(p)) {
            queue.push(p);
            depths.push(depth + 1);
          }
        }
      } else {
        for (let e = store.succHead[v]!; e !== -1; e = store.succNext[e]!) {
          const s = store.edgeTo[e]!;
          if (seen.mark(s)) {
            queue.push(s);
            depths.push(depth + 1);
          }
        }
      }
    }
  });
}

/** Every node reached from `start`, in walk order. */
export function collectPositions(
  store: DagStore,
  pool: Marker[],
  start: number,
  direction: Direction,
  options?: TraversalOptions,
): number[] {
  const out: number[] = [];
  walkPositions(
    store,
    pool,
    start,
    direction,
    (p) => {
      out.push(p);
      return undefined;
    },
    options,
  );
  return out;
}

/** Direct predecessors (in `pred` order) or successors (in insertion order) of one node. */
export function neighbourPositions(store: DagStore, v: number, direction: Direction): number[] {
  const out: number[] = [];
  if (direction === 'back') {
    for (let e = store.predStart[v]!, end = store.predStart[v + 1]!; e < end; e++) out.push(store.edgeFrom[e]!);
  } else {
    for (let e = store.succHead[v]!; e !== -1; e = store.succNext[e]!) out.push(store.edgeTo[e]!);
  }
  return out;
}

/**
 * The members of `scope` (ascending positions, so a topological order) that have no neighbour inside the scope
 * in `direction`: roots when looking back, leaves when looking forward.
 */
export function boundaryPositions(
  store: DagStore,
  pool: Marker[],
  scope: ArrayLike<number>,
  direction: Direction,
): number[] {
  return withMarker(pool, store.size, (inScope) => {
    for (let i = 0; i < scope.length; i++) inScope.mark(scope[i]!);
    const out: number[] = [];
    for (let i = 0; i < scope.length; i++) {
      const v = scope[i]!;
      if (!hasNeighbourIn(store, v, direction, inScope)) out.push(v);
    }
    return out;
  });
}

function hasNeighbourIn(store: DagStore, v: number, direction: Direction, set: Marker): boolean {
  if (direction === 'back') {
    for (let e = store.predStart[v]!, end = store.predStart[v + 1]!; e < end; e++) {
      if (set.has(store.edgeFrom[e]!)) return true;
    }
  } else {
    for (let e = store.succHead[v]!; e !== -1; e = store.succNext[e]!) if (set.has(store.edgeTo[e]!)) return true;
  }
  return false;
}

/** A bound is a non-negative integer or +Infinity (no bound). */
function checkBound(n: unknown, name: string): void {
  if (typeof n !== 'number' || !(n >= 0) || (n !== Number.POSITIVE_INFINITY && !Number.isSafeInteger(n))) {
    throw snError('ERR_INPUT_INVALID', `${name} must be a non-negative integer`);
  }
}

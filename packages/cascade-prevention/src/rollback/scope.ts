import type { DagNode, EctDag } from '@safety-net/core';
import { cpError } from '../errors.js';

/** The tasks of a rollback, in the order they joined, with an index by task id. */
export class Scope<P> {
  readonly nodes: DagNode<P>[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly max: number) {}

  has(jti: string): boolean {
    return this.index.has(jti);
  }

  /** Position of a member in {@link Scope.nodes}, or undefined. */
  indexOf(jti: string): number | undefined {
    return this.index.get(jti);
  }

  add(node: DagNode<P>): void {
    if (this.nodes.length >= this.max) throw cpError('ERR_CP_PLAN_INVALID', `the scope exceeds ${this.max} tasks`);
    this.index.set(node.jti, this.nodes.length);
    this.nodes.push(node);
  }

  /**
   * Adds `jti` and all its descendants. A scope is closed under descendants, so a member reached again is pruned:
   * everything past it is in already.
   */
  addWithDescendants(dag: EctDag<P>, jti: string): void {
    dag.walkForward(
      jti,
      (node) => {
        if (this.has(node.jti)) return 'prune';
        this.add(node);
      },
      { includeSelf: true },
    );
  }
}

/**
 * The tasks a `workflow` scope keeps: the `known_good` tasks and all their ancestors, found with at most `max`
 * nodes visited (`ERR_CP_PLAN_INVALID` beyond).
 */
export function protectedTasks<P>(dag: EctDag<P>, knownGood: readonly string[], max: number): Set<string> {
  const kept = new Set<string>();
  for (const k of knownGood) {
    dag.walkBack(
      k,
      (node) => {
        if (kept.has(node.jti)) return 'prune';
        if (kept.size >= max) throw cpError('ERR_CP_PLAN_INVALID', `known_good and its ancestors exceed ${max} tasks`);
        kept.add(node.jti);
      },
      { includeSelf: true },
    );
  }
  return kept;
}

/** The task ids of a workflow in topological order, refused beyond `max` (`ERR_CP_PLAN_INVALID`). */
export function workflowTasks<P>(dag: EctDag<P>, wid: string, max: number): string[] {
  const ids = dag.topologicalOrder({ wid });
  if (ids.length > max) throw cpError('ERR_CP_PLAN_INVALID', `the workflow holds more than ${max} tasks`);
  return ids;
}

import { isSafetyNetError, snError } from '../errors/index.js';
import { planImport } from './import.js';
import type { Marker } from './marks.js';
import { type DagNode, type DagNodeInput, readDagNode } from './node.js';
import { type DagOptions, type ResolvedDagOptions, resolveDagOptions } from './options.js';
import { DagStore } from './store.js';
import {
  boundaryPositions,
  collectPositions,
  type Direction,
  neighbourPositions,
  type TraversalOptions,
  type WalkControl,
  walkPositions,
} from './traverse.js';
import { checkNode } from './validate.js';

/** Which nodes an order or a boundary is taken over: one workflow, or any set of task ids. Default: all. */
export type DagScope = { readonly wid: string } | { readonly nodes: Iterable<string> };

/** Called for each node a walk reaches, with its distance in edges from the start; returning nothing continues. */
// biome-ignore lint/suspicious/noConfusingVoidType: a visitor that returns nothing must type-check.
export type DagVisitor<P> = (node: DagNode<P>, depth: number) => WalkControl | void;

/**
 * The ECT DAG: a validating, append-only store of tasks and the walks every Safety Net package builds on
 * (cascade detection, blast radius, rollback, override records, consensus evidence, audit stitching, erasure).
 *
 * Nodes are identified by `jti`, unique across the whole store — stricter than the draft's "unique in the
 * workflow", because `pred` names a bare `jti`: with per-workflow ids a predecessor reference would be ambiguous
 * and a predecessor from another workflow could not be told from a missing one. Keep one store per trust domain.
 *
 * Insertion is validated and linear overall: a node may only point at nodes already present, so insertion order
 * is a topological order and no insert can close a cycle. `P` is the type of an optional caller payload kept
 * with each node. Walks are iterative and deterministic; unknown task ids are `ERR_ECT_NODE_NOT_FOUND`.
 *
 * @example
 * ```ts
 * const dag = new EctDag();
 * dag.insert({ jti: 'a', wid: 'w', iat: 100, iss: 'agent-1', exec_act: 'fetch', pred: [] });
 * dag.insert({ jti: 'b', wid: 'w', iat: 101, iss: 'agent-2', exec_act: 'score', pred: ['a'] });
 * dag.descendants('a'); // ['b']
 * dag.reverseTopologicalOrder({ nodes: dag.descendants('a', { includeSelf: true }) }); // ['b', 'a']
 * ```
 */
export class EctDag<P = unknown> implements Iterable<DagNode<P>> {
  /** The validation limits in force, defaults filled in. */
  readonly options: ResolvedDagOptions;
  private readonly store = new DagStore();
  private readonly markers: Marker[] = [];

  constructor(options?: DagOptions) {
    this.options = resolveDagOptions(options);
  }

  /** A new DAG holding `nodes`, given in any order (see {@link EctDag.importNodes}). */
  static from<P = unknown>(nodes: Iterable<DagNodeInput>, options?: DagOptions): EctDag<P> {
    const dag = new EctDag<P>(options);
    dag.importNodes(nodes);
    return dag;
  }

  /** Number of nodes. */
  get size(): number {
    return this.store.size;
  }

  /**
   * Validates one node and appends it; its predecessors must already be present. Checks, first failure wins, and
   * a failed insert changes nothing: shape (`ERR_CLAIMS_INVALID`), predecessor count
   * (`ERR_ECT_TOO_MANY_PREDECESSORS`), task id unused (`ERR_ECT_DUPLICATE_JTI`), no predecessor named twice
   * (`ERR_ECT_PRED_DUPLICATE`), predecessors present (`ERR_ECT_PREDECESSOR_MISSING`), temporal order within the
   * clock skew (`ERR_ECT_TEMPORAL_ORDER`), acyclicity (`ERR_ECT_CYCLE`, O(predecessors)), same workflow
   * (`ERR_ECT_WORKFLOW_MISMATCH`), predecessor policy (`ERR_ECT_PREDECESSOR_POLICY`).
   */
  insert(node: DagNodeInput, payload?: P): void {
    const checked = readDagNode(node, this.options.maxPredecessors);
    const preds = checkNode(checked, this.store.size, this.store, this.options);
    this.store.append(checked, preds, payload);
  }

  /**
   * Inserts a node set supplied in any order (an exported workflow, a peer's audit trail): cycles are found in
   * linear time with Kahn's algorithm (`ERR_ECT_CYCLE`), then every node gets the full insert checks in
   * topological order. All or nothing: on any error the store is unchanged.
   */
  importNodes(nodes: Iterable<DagNodeInput>, payloadOf?: (node: DagNodeInput, index: number) => P): void {
    const inputs = iterable(nodes);
    const batch = inputs.map((n) => readDagNode(n, this.options.maxPredecessors));
    const plan = planImport(this.store, batch, this.options);
    for (const i of plan.order) this.store.append(batch[i]!, plan.preds[i]!, payloadOf?.(inputs[i]!, i));
  }

  /**
   * The checks of {@link EctDag.importNodes} without the append: the task ids of `nodes` in the order an import
   * would append them, or the error it would refuse them with. The store is not changed, so a caller can make
   * other decisions (such as spending the tokens' ids in a replay cache) before it imports.
   */
  checkImport(nodes: Iterable<DagNodeInput>): string[] {
    const batch = iterable(nodes).map((n) => readDagNode(n, this.options.maxPredecessors));
    return Array.from(planImport(this.store, batch, this.options).order, (i) => batch[i]!.jti);
  }

  /** True when a node with this task id is present. */
  has(jti: string): boolean {
    return this.store.indexOf(jti) !== -1;
  }

  /** The node with this task id, or undefined. */
  get(jti: string): DagNode<P> | undefined {
    const i = this.store.indexOf(jti);
    return i === -1 ? undefined : this.nodeAt(i);
  }

  /** Direct predecessors, in the order the node's `pred` lists them. */
  predecessors(jti: string): string[] {
    return this.ids(neighbourPositions(this.store, this.position(jti), 'back'));
  }

  /** Direct successors, in insertion order. */
  successors(jti: string): string[] {
    return this.ids(neighbourPositions(this.store, this.position(jti), 'forward'));
  }

  /** Every node the given one depends on, nearest first (breadth-first, deterministic). */
  ancestors(jti: string, options?: TraversalOptions): string[] {
    return this.ids(collectPositions(this.store, this.markers, this.position(jti), 'back', options));
  }

  /** Every node that depends on the given one, nearest first (breadth-first, deterministic). */
  descendants(jti: string, options?: TraversalOptions): string[] {
    return this.ids(collectPositions(this.store, this.markers, this.position(jti), 'forward', options));
  }

  /** Walks from a node towards its ancestors; the visitor may prune a branch or stop the walk. */
  walkBack(jti: string, visitor: DagVisitor<P>, options?: TraversalOptions): void {
    this.walk(jti, 'back', visitor, options);
  }

  /** Walks from a node towards its descendants; the visitor may prune a branch or stop the walk. */
  walkForward(jti: string, visitor: DagVisitor<P>, options?: TraversalOptions): void {
    this.walk(jti, 'forward', visitor, options);
  }

  /**
   * Task ids in a topological order (every node after all of its predecessors): insertion order, restricted to
   * `scope`. Deterministic for a given insertion history.
   */
  topologicalOrder(scope?: DagScope): string[] {
    return scope === undefined ? this.store.jtis.toArray() : this.ids(this.scopePositions(scope));
  }

  /** {@link EctDag.topologicalOrder} reversed: every node before its predecessors (undo order for rollback). */
  reverseTopologicalOrder(scope?: DagScope): string[] {
    return this.topologicalOrder(scope).reverse();
  }

  /** Nodes of `scope` with no predecessor inside `scope`, in topological order. */
  roots(scope?: DagScope): string[] {
    return this.ids(boundaryPositions(this.store, this.markers, this.scopePositions(scope), 'back'));
  }

  /** Nodes of `scope` with no successor inside `scope`, in topological order. */
  leaves(scope?: DagScope): string[] {
    return this.ids(boundaryPositions(this.store, this.markers, this.scopePositions(scope), 'forward'));
  }

  /** Workflow ids present, in order of first appearance. */
  workflows(): string[] {
    return this.store.widNames.slice();
  }

  /**
   * A new DAG with only the nodes of one workflow (and their payloads), same options. A workflow is closed
   * under `pred`, since predecessors must share the workflow.
   */
  subgraph(wid: string): EctDag<P> {
    const sub = new EctDag<P>(this.options);
    const s = this.store;
    const moved = new Map<number, number>();
    for (const i of this.workflowPositions(wid)) {
      const preds = neighbourPositions(s, i, 'back').map((p) => moved.get(p)!);
      moved.set(i, sub.store.append({ ...this.nodeAt(i), policy: s.policyAt(i) }, preds, s.payloadAt(i)));
    }
    return sub;
  }

  /** Every node, in insertion (topological) order. */
  *[Symbol.iterator](): IterableIterator<DagNode<P>> {
    for (let i = 0; i < this.store.size; i++) yield this.nodeAt(i);
  }

  private walk(jti: string, direction: Direction, visitor: DagVisitor<P>, options?: TraversalOptions): void {
    walkPositions(
      this.store,
      this.markers,
      this.position(jti),
      direction,
      (p, depth) => visitor(this.nodeAt(p), depth) ?? undefined,
      options,
    );
  }

  private position(jti: string): number {
    const i = this.store.indexOf(jti);
    if (i === -1) throw snError('ERR_ECT_NODE_NOT_FOUND', String(jti));
    return i;
  }

  private scopePositions(scope: DagScope | undefined): ArrayLike<number> {
    if (scope === undefined) return Int32Array.from({ length: this.store.size }, (_, i) => i);
    if (typeof scope === 'object' && scope !== null) {
      if ('wid' in scope) return this.workflowPositions(scope.wid);
      if ('nodes' in scope) {
        const positions = Int32Array.from(iterable(scope.nodes), (jti) => this.position(jti)).sort();
        return positions.filter((p, k) => k === 0 || p !== positions[k - 1]);
      }
    }
    throw snError('ERR_INPUT_INVALID', 'scope names neither a workflow nor nodes');
  }

  private workflowPositions(wid: string): number[] {
    const out: number[] = [];
    const w = this.store.workflowIndex(wid);
    if (w === -1) return out;
    for (let i = this.store.wfHead[w]!; i !== -1; i = this.store.wfNext[i]!) out.push(i);
    return out;
  }

  private ids(positions: ArrayLike<number>): string[] {
    const out: string[] = new Array(positions.length);
    for (let k = 0; k < positions.length; k++) out[k] = this.store.jtis.at(positions[k]!);
    return out;
  }

  /** Built field by field: rest and spread copies cost more than the walk that reaches the node. */
  private nodeAt(i: number): DagNode<P> {
    const s = this.store;
    return Object.freeze({
      jti: s.jtis.at(i),
      wid: s.widAt(i),
      iat: s.iatAt(i),
      iss: s.issuers.at(i),
      exec_act: s.actions.at(i),
      pred: Object.freeze(this.ids(neighbourPositions(s, i, 'back'))),
      ect_ext: s.exts.at(i),
      payload: s.payloadAt(i) as P | undefined,
      position: i,
    });
  }
}

/** `items` collected into an array; anything that is not iterable, or fails while iterating, is `ERR_INPUT_INVALID`. */
function iterable<T>(items: Iterable<T>): T[] {
  try {
    if (typeof (items as Partial<Iterable<T>> | null)?.[Symbol.iterator] !== 'function')
      throw new TypeError('not iterable');
    return [...items];
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw snError('ERR_INPUT_INVALID', 'expected an iterable', { cause: e });
  }
}

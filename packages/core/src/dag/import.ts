import { snError } from '../errors/index.js';
import type { CheckedNode, PolicyState } from './node.js';
import type { ResolvedDagOptions } from './options.js';
import type { DagStore, NodeFacts } from './store.js';
import { checkNode, repeated } from './validate.js';

/** A checked batch in the order it can be appended, with each node's predecessor positions. */
export interface ImportPlan {
  /** Indices into the batch, in a topological order. */
  readonly order: Int32Array;
  /** Predecessor positions of batch node i (as they will be once appended). */
  readonly preds: number[][];
}

/**
 * Plans the insertion of a node set given in any order, without changing the store: task ids unique (against the
 * store and within the batch), no predecessor named twice, every predecessor in the store or the batch, then
 * Kahn's algorithm for a topological order in linear time (`ERR_ECT_CYCLE` names a node on a cycle), then every
 * node's full check in that order, exactly as a one-by-one insert would run it.
 */
export function planImport(store: DagStore, batch: readonly CheckedNode[], options: ResolvedDagOptions): ImportPlan {
  const n = batch.length;
  const local = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const node = batch[i]!;
    const held = store.indexOf(node.jti);
    if (held !== -1 || local.has(node.jti)) {
      throw snError('ERR_ECT_DUPLICATE_JTI', `${node.jti} (${held !== -1 ? 'already stored' : 'twice in the batch'})`);
    }
    const twice = repeated(node.pred);
    if (twice !== undefined) throw snError('ERR_ECT_PRED_DUPLICATE', twice);
    local.set(node.jti, i);
  }

  // Edges inside the batch, as successor lists in CSR form; predecessors already stored need no ordering.
  const indegree = new Int32Array(n);
  const outStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (const p of batch[i]!.pred) {
      const b = local.get(p);
      if (b !== undefined) {
        indegree[i]!++;
        outStart[b + 1]!++;
      } else if (store.indexOf(p) === -1) {
        throw snError('ERR_ECT_PREDECESSOR_MISSING', `${p} (predecessor of ${batch[i]!.jti})`);
      }
    }
  }
  for (let i = 0; i < n; i++) outStart[i + 1]! += outStart[i]!;
  const out = new Int32Array(outStart[n]!);
  const fill = outStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (const p of batch[i]!.pred) {
      const b = local.get(p);
      if (b !== undefined) out[fill[b]!++] = i;
    }
  }

  // Kahn's algorithm, first-in first-out from the batch order: deterministic.
  const order = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order[tail++] = i;
  for (let head = 0; head < tail; head++) {
    const v = order[head]!;
    for (let e = outStart[v]!; e < outStart[v + 1]!; e++) {
      const s = out[e]!;
      if (--indegree[s]! === 0) order[tail++] = s;
    }
  }
  if (tail < n) throw snError('ERR_ECT_CYCLE', `${batch[nodeOnCycle(batch, local, indegree)]!.jti} is on a cycle`);

  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[order[r]!] = r;
  const view = new BatchView(store, batch, local, order, rank);
  const preds: number[][] = new Array(n);
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    view.current = store.size + r;
    preds[i] = checkNode(batch[i]!, view.current, view, options);
  }
  return { order, preds };
}

/**
 * After Kahn's algorithm stalls, every node left has a predecessor that is also left. Following such
 * predecessors from any node left must come back to a node already seen: that node is on a cycle.
 */
function nodeOnCycle(batch: readonly CheckedNode[], local: Map<string, number>, indegree: Int32Array): number {
  const seen = new Uint8Array(batch.length);
  let v = indegree.findIndex((d) => d > 0);
  while (seen[v] === 0) {
    seen[v] = 1;
    const next = batch[v]!.pred.map((p) => local.get(p)).find((b) => b !== undefined && indegree[b]! > 0);
    v = next!;
  }
  return v;
}

/** The store as it will be after the batch nodes ranked before `current` are appended. */
class BatchView implements NodeFacts {
  current = 0;

  constructor(
    private readonly store: DagStore,
    private readonly batch: readonly CheckedNode[],
    private readonly local: Map<string, number>,
    private readonly order: Int32Array,
    private readonly rank: Int32Array,
  ) {}

  indexOf(jti: string): number {
    const stored = this.store.indexOf(jti);
    if (stored !== -1) return stored;
    const b = this.local.get(jti);
    if (b === undefined) return -1;
    const position = this.store.size + this.rank[b]!;
    return position < this.current ? position : -1;
  }

  iatAt(position: number): number {
    return position < this.store.size ? this.store.iatAt(position) : this.fromBatch(position).iat;
  }

  widAt(position: number): string {
    return position < this.store.size ? this.store.widAt(position) : this.fromBatch(position).wid;
  }

  policyAt(position: number): PolicyState {
    return position < this.store.size ? this.store.policyAt(position) : this.fromBatch(position).policy;
  }

  private fromBatch(position: number): CheckedNode {
    return this.batch[this.order[position - this.store.size]!]!;
  }
}

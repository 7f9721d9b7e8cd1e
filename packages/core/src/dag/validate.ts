import { snError } from '../errors/index.js';
import { type CheckedNode, PolicyState } from './node.js';
import type { ResolvedDagOptions } from './options.js';
import type { NodeFacts } from './store.js';

/** Above this many predecessors a Set finds duplicates; below it a nested loop is faster and allocates nothing. */
const SMALL_PRED = 16;

/**
 * The ECT DAG checks for a node about to take `position`, in the draft's order; the first failure is thrown.
 * `ERR_CLAIMS_INVALID` and `ERR_ECT_TOO_MANY_PREDECESSORS` were already settled by `readDagNode`.
 *
 * 1. task id unused (`ERR_ECT_DUPLICATE_JTI`), no predecessor named twice (`ERR_ECT_PRED_DUPLICATE`);
 * 2. every predecessor present (`ERR_ECT_PREDECESSOR_MISSING`);
 * 3. no predecessor issued more than the clock skew after the node (`ERR_ECT_TEMPORAL_ORDER`);
 * 4. acyclicity (`ERR_ECT_CYCLE`): a node may only point at nodes placed before it, so positions form a
 *    topological order and no insert can close a cycle. Checked per edge, O(predecessors); a node naming itself
 *    is the one cycle an insert could try, and it lands here;
 * 5. predecessors in the node's workflow (`ERR_ECT_WORKFLOW_MISMATCH`);
 * 6. predecessor policy, when enabled (`ERR_ECT_PREDECESSOR_POLICY`).
 *
 * Returns the predecessors' positions. Reads only; nothing is changed, so a failed insert leaves no trace.
 */
export function checkNode(
  node: CheckedNode,
  position: number,
  facts: NodeFacts,
  options: ResolvedDagOptions,
): number[] {
  const { jti, pred } = node;
  const k = pred.length;

  const existing = facts.indexOf(jti);
  if (existing !== -1) {
    throw snError('ERR_ECT_DUPLICATE_JTI', `${jti} (held by workflow ${facts.widAt(existing)})`);
  }
  const twice = repeated(pred);
  if (twice !== undefined) throw snError('ERR_ECT_PRED_DUPLICATE', twice);

  const at: number[] = new Array(k);
  for (let i = 0; i < k; i++) {
    const p = pred[i]!;
    const j = p === jti ? position : facts.indexOf(p);
    if (j === -1) throw snError('ERR_ECT_PREDECESSOR_MISSING', `${p} (predecessor of ${jti})`);
    at[i] = j;
  }

  const latest = node.iat + options.clockSkewSeconds;
  for (let i = 0; i < k; i++) {
    const j = at[i]!;
    if (j !== position && facts.iatAt(j) > latest) {
      throw snError('ERR_ECT_TEMPORAL_ORDER', `${pred[i]} (iat ${facts.iatAt(j)}) after ${jti} (iat ${node.iat})`);
    }
  }

  for (let i = 0; i < k; i++) {
    if (at[i]! >= position) throw snError('ERR_ECT_CYCLE', `${jti} would depend on ${pred[i]}, placed after it`);
  }

  for (let i = 0; i < k; i++) {
    const wid = facts.widAt(at[i]!);
    if (wid !== node.wid) {
      throw snError('ERR_ECT_WORKFLOW_MISMATCH', `${pred[i]} is in workflow ${wid}, ${jti} in ${node.wid}`);
    }
  }

  if (options.checkPredecessorPolicy) {
    for (let i = 0; i < k; i++) {
      if (facts.policyAt(at[i]!) === PolicyState.NotApproved) {
        throw snError('ERR_ECT_PREDECESSOR_POLICY', `${pred[i]} (predecessor of ${jti})`);
      }
    }
  }
  return at;
}

/** The first id that appears twice in `ids`, if any. */
export function repeated(ids: readonly string[]): string | undefined {
  const k = ids.length;
  if (k <= SMALL_PRED) {
    for (let i = 1; i < k; i++) {
      for (let j = 0; j < i; j++) if (ids[i] === ids[j]) return ids[i];
    }
    return undefined;
  }
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

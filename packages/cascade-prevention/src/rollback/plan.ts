import { type DagNode, type EctDag, snError } from '@safety-net/core';
import { cpError } from '../errors.js';
import type { PlanStep } from '../messages/rollback-plan.js';
import { type CheckpointLookup, Checkpoints } from './checkpoints.js';
import { type CheckpointInput, type RollbackRequestInput, readRequest } from './inputs.js';
import { type PlanOptions, resolvePlanOptions } from './options.js';
import { reverseTopological } from './order.js';
import { protectedTasks, Scope, workflowTasks } from './scope.js';

/** A computed rollback plan and how its scope was accounted for. */
export interface PlannedRollback {
  readonly rollback: string;
  /** In execution order: reverse topological order of the scope. */
  readonly steps: readonly PlanStep[];
  /** Every task of the scope, in the same order as the steps. */
  readonly scope: readonly string[];
  /** Tasks of the scope that only record something: no step. */
  readonly records: readonly string[];
  /** Tasks of the scope whose checkpoint says they changed nothing (`before` = `after`): no step. */
  readonly unchanged: readonly string[];
}

/**
 * Plans a rollback (`cascade-prevention.md` §6.1): the scope of the request — `root_cause` and its descendants, or
 * its workflow without the `known_good` tasks and their ancestors — closed over checkpoint groups, then one step
 * per task that changed something, in reverse topological order (latest `iat`, then smallest `jti`, first among
 * tasks ready together). Records are skipped; `not_reversible` steps are kept for a human decision.
 *
 * Errors: a malformed request, a `known_good` task in the scope or in another workflow, a bad checkpoint or a
 * scope over the limit are `ERR_CP_PLAN_INVALID`; tasks without a checkpoint `ERR_CP_CHECKPOINT_MISSING` (all of
 * them named); unknown task ids `ERR_ECT_NODE_NOT_FOUND`; bad options `ERR_CP_CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * const plan = planRollback(dag, { rollback: 'rb-1', root_cause: 'inventory-7', scope: 'descendants', known_good: [] },
 *   (jti) => checkpoints.get(jti));
 * plan.steps.map((s) => `${s.step}: ${s.agent} undoes ${s.task}`);
 * ```
 */
export function planRollback<P>(
  dag: EctDag<P>,
  request: RollbackRequestInput,
  checkpointOf: CheckpointLookup,
  options?: PlanOptions,
): PlannedRollback {
  const { maxScope, maxWorkflow, isRecord } = resolvePlanOptions(options);
  const checkpoints = new Checkpoints(checkpointOf);
  const req = readRequest(request, maxScope);
  const root = node(dag, req.root_cause);
  for (const k of req.known_good) {
    if (node(dag, k).wid !== root.wid)
      throw cpError('ERR_CP_PLAN_INVALID', `known_good task ${k} is in another workflow`);
  }
  const scope = new Scope<P>(maxScope);
  if (req.scope === 'descendants') {
    scope.addWithDescendants(dag, root.jti);
  } else {
    const kept = protectedTasks(dag, req.known_good, maxWorkflow);
    if (kept.has(root.jti))
      throw cpError('ERR_CP_PLAN_INVALID', 'root_cause is known_good or an ancestor of a known_good task');
    for (const jti of workflowTasks(dag, root.wid, maxWorkflow)) if (!kept.has(jti)) scope.add(node(dag, jti));
  }
  const record = (n: DagNode<P>) => isRecord(n as DagNode);
  closeOverGroups(dag, scope, root.wid, (n) => (record(n) ? undefined : checkpoints.of(n)), maxWorkflow);
  for (const k of req.known_good) {
    if (scope.has(k)) throw cpError('ERR_CP_PLAN_INVALID', `known_good task ${k} would be rolled back`);
  }
  return steps(req.rollback, scope, record, checkpoints);
}

/**
 * Coordinated actions are reversed as a unit: a member's group pulls in every task of the workflow with the same
 * group, with its descendants, until nothing more joins. The workflow's groups are read once, on first need.
 */
function closeOverGroups<P>(
  dag: EctDag<P>,
  scope: Scope<P>,
  wid: string,
  checkpointOf: (n: DagNode<P>) => CheckpointInput | undefined,
  maxWorkflow: number,
): void {
  let members: Map<string, string[]> | undefined;
  const done = new Set<string>();
  // scope.nodes grows while it is walked: new members are examined in turn.
  for (let i = 0; i < scope.nodes.length; i++) {
    const group = checkpointOf(scope.nodes[i]!)?.group;
    if (group === undefined || done.has(group)) continue;
    done.add(group);
    members ??= groupsOf(dag, wid, checkpointOf, maxWorkflow);
    for (const jti of members.get(group)!) if (!scope.has(jti)) scope.addWithDescendants(dag, jti);
  }
}

function groupsOf<P>(
  dag: EctDag<P>,
  wid: string,
  checkpointOf: (n: DagNode<P>) => CheckpointInput | undefined,
  maxWorkflow: number,
): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const jti of workflowTasks(dag, wid, maxWorkflow)) {
    const group = checkpointOf(dag.get(jti)!)?.group;
    if (group === undefined) continue;
    const list = groups.get(group);
    if (list === undefined) groups.set(group, [jti]);
    else list.push(jti);
  }
  return groups;
}

function steps<P>(
  rollback: string,
  scope: Scope<P>,
  record: (n: DagNode<P>) => boolean,
  checkpoints: Checkpoints,
): PlannedRollback {
  const { nodes } = scope;
  const missing: DagNode<P>[] = [];
  const found: (CheckpointInput | undefined)[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (record(n)) continue;
    const checkpoint = checkpoints.of(n);
    if (checkpoint === undefined) missing.push(n);
    found[i] = checkpoint;
  }
  if (missing.length > 0) {
    const names = missing.sort((a, b) => a.position - b.position).map((n) => n.jti);
    throw cpError('ERR_CP_CHECKPOINT_MISSING', `${names.length} task(s) without a checkpoint: ${names.join(', ')}`);
  }
  const order = reverseTopological(nodes, (jti) => scope.indexOf(jti));
  const out: PlanStep[] = [];
  const ids: string[] = new Array(order.length);
  const records: string[] = [];
  const unchanged: string[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const task = nodes[i]!.jti;
    ids[k] = task;
    const c = found[i];
    if (c === undefined) records.push(task);
    else if (c.before === c.after) unchanged.push(task);
    else {
      out.push({
        step: out.length,
        task,
        agent: c.iss,
        resource: c.resource,
        undo: c.undo,
        key: `${rollback}/${task}`,
        ...(c.group === undefined ? {} : { group: c.group }),
      });
    }
  }
  return { rollback, steps: out, scope: ids, records, unchanged };
}

function node<P>(dag: EctDag<P>, jti: string): DagNode<P> {
  const n = dag.get(jti);
  if (n === undefined) throw snError('ERR_ECT_NODE_NOT_FOUND', jti);
  return n;
}

import { bet } from '@safety-net/behavioral-verification';
import type { DagNode } from '@safety-net/core';
import { checkFunction, checkInt, invalid } from '../util/checks.js';

/** Settings of {@link planRollback}; every field has a default. */
export interface PlanOptions {
  /** Most tasks a scope may hold. Default 100 000. */
  readonly maxScope?: number;
  /** Most tasks of a workflow examined for scope and group membership. Default 1 000 000. */
  readonly maxWorkflow?: number;
  /** Tasks that only record something: in the scope, never compensated. Default {@link isRecordTask}. */
  readonly isRecord?: (node: DagNode) => boolean;
}

/** {@link PlanOptions} with every field present. */
export type ResolvedPlanOptions = Required<PlanOptions>;

/**
 * The default record predicate (spec §6.1): this protocol's own messages (`exec_act` `cp.…`) and issued Behavioral
 * Evidence Tokens record things; undoing them would rewrite the evidence of what happened.
 */
export function isRecordTask(node: DagNode): boolean {
  return node.exec_act.startsWith('cp.') || node.exec_act === bet.dag?.execAct;
}

const MAX_LIMIT = 100_000_000;

/** Fills in the defaults; anything out of range is `ERR_CP_CONFIG_INVALID`. */
export function resolvePlanOptions(options: PlanOptions = {}): ResolvedPlanOptions {
  if (typeof options !== 'object' || options === null) invalid('options must be an object');
  return {
    maxScope: checkInt(options.maxScope, 'maxScope', 1, MAX_LIMIT, 100_000),
    maxWorkflow: checkInt(options.maxWorkflow, 'maxWorkflow', 1, MAX_LIMIT, 1_000_000),
    isRecord: checkFunction(options.isRecord, 'isRecord', isRecordTask),
  };
}

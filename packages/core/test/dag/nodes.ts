import type { DagNodeInput } from '../../src/dag/index.js';

/** A DAG node input with plausible defaults: workflow `w`, issued at 1000, agent `agent`, action `act`. */
export function node(jti: string, pred: string[] = [], extra: Partial<DagNodeInput> = {}): DagNodeInput {
  return { jti, wid: 'w', iat: 1000, iss: 'agent', exec_act: 'act', pred, ...extra };
}

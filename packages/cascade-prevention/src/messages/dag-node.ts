import type { DagNodeInput, MessageType } from '@safety-net/core';

/** The claims every cascade-prevention message shares that place it in the ECT DAG. */
export interface DagLinked {
  readonly iss: string;
  readonly iat: number;
  readonly jti: string;
  readonly wid: string;
  readonly pred: readonly string[];
}

/** The `exec_act` under which messages of a type appear in the ECT DAG: `cp-checkpoint` → `cp.checkpoint`. */
export function cpExecAct(type: Pick<MessageType<object>, 'name'>): string {
  return type.name.replace(/^cp-/, 'cp.');
}

/**
 * A cascade-prevention message as a node of the ECT DAG, so that announcements, checkpoints and every step of a
 * rollback sit in the same graph as the work they concern (spec §2).
 *
 * @example
 * ```ts
 * dag.insert(cpDagNode(rollbackRequest, request));
 * ```
 */
export function cpDagNode<T extends DagLinked>(type: MessageType<T>, claims: T): DagNodeInput {
  return {
    jti: claims.jti,
    wid: claims.wid,
    iat: claims.iat,
    iss: claims.iss,
    exec_act: cpExecAct(type),
    pred: [...claims.pred],
  };
}

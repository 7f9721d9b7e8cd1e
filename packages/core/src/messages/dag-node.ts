import type { DagNodeInput } from '../dag/node.js';
import { snError } from '../errors/index.js';
import type { MessageType } from './define.js';

/** The claims that place a message in the ECT DAG: {@link DagLinkShape} with the issuer and the issue time. */
export interface DagLinkClaims {
  readonly iss: string;
  readonly iat: number;
  readonly jti: string;
  readonly wid: string;
  readonly pred: readonly string[];
}

/** How messages of a type appear in the ECT DAG, declared in the type's definition. */
export interface DagNodeDeclaration<T> {
  /** The `exec_act` of every message of the type, e.g. `cp.checkpoint`. */
  readonly execAct: string;
  /** The node's `ect_ext`, taken from the claims (e.g. a BET's verdict), where the type has one. */
  readonly ext?: (claims: T) => Readonly<Record<string, unknown>>;
}

/**
 * A message of a DAG-node type as a node of the ECT DAG, so that it sits in the same graph as the work it
 * concerns. `ERR_MESSAGE_TYPE_UNKNOWN` when the type does not declare itself a DAG node.
 *
 * @example
 * ```ts
 * dag.insert(dagNodeOf(rollbackRequest, request));
 * ```
 */
export function dagNodeOf<T extends DagLinkClaims>(type: MessageType<T>, claims: T): DagNodeInput {
  if (type.dag === undefined) throw snError('ERR_MESSAGE_TYPE_UNKNOWN', `${type.name} is not an ECT DAG node`);
  const ext = type.dag.ext?.(claims);
  return {
    jti: claims.jti,
    wid: claims.wid,
    iat: claims.iat,
    iss: claims.iss,
    exec_act: type.dag.execAct,
    pred: [...claims.pred],
    ...(ext === undefined ? {} : { ect_ext: ext }),
  };
}

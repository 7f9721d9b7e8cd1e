import type { DagNodeInput } from '@safety-net/core';
import type { BetClaims } from '../messages/bet.js';

/** The `exec_act` under which a BET appears in the ECT DAG. */
export const BET_EXEC_ACT = 'bv.bet.issue';

/**
 * A BET as a node of the ECT DAG (task id `jti`, workflow `wid`, predecessors `pred`, issued by the verifier), so
 * that evidence sits in the same graph as the actions it judges.
 *
 * @example
 * ```ts
 * dag.insert(betDagNode(issued.claims));
 * ```
 */
export function betDagNode(claims: BetClaims): DagNodeInput {
  return {
    jti: claims.jti,
    wid: claims.wid,
    iat: claims.iat,
    iss: claims.iss,
    exec_act: BET_EXEC_ACT,
    pred: claims.pred,
    ect_ext: { bet_verdict: claims.verdict, bet_profile: claims.profile },
  };
}

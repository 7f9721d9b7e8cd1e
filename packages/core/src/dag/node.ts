import type { EctClaims } from '../ect/claims.js';
import { isSafetyNetError, snError } from '../errors/index.js';

/**
 * What the DAG needs of a task: the ECT claims that place it in the graph. Verified `EctClaims` fit as they are,
 * so a verifier can insert what it just checked.
 */
export type DagNodeInput = Pick<EctClaims, 'jti' | 'wid' | 'iat' | 'pred' | 'iss' | 'exec_act'> & {
  readonly ect_ext?: Readonly<Record<string, unknown>> | undefined;
};

/** One task as the DAG holds it. Built on demand by `EctDag.get`; frozen. */
export interface DagNode<P = unknown> {
  readonly jti: string;
  readonly wid: string;
  readonly iat: number;
  readonly iss: string;
  readonly exec_act: string;
  /** Predecessor task ids, in the order the ECT lists them. */
  readonly pred: readonly string[];
  /** The ECT's extension object, as inserted (the DAG keeps the caller's object, it does not copy it). */
  readonly ect_ext: Readonly<Record<string, unknown>> | undefined;
  /** The caller's own data for this node, if any was given on insert. */
  readonly payload: P | undefined;
  /** Place in insertion order. Insertion order is a topological order: every predecessor has a lower position. */
  readonly position: number;
}

/**
 * Predecessor policy of a node, from `ect_ext.pol_decision` (ect-policy-compensation): none recorded, `approved`,
 * or recorded and anything else (rejected, pending human review, or a value we do not know).
 */
export const PolicyState = { None: 0, Approved: 1, NotApproved: 2 } as const;

/** One of the {@link PolicyState} values. */
export type PolicyState = (typeof PolicyState)[keyof typeof PolicyState];

/** A node input read once into plain values, so later checks never touch the caller's object again. */
export interface CheckedNode {
  readonly jti: string;
  readonly wid: string;
  readonly iat: number;
  readonly iss: string;
  readonly exec_act: string;
  readonly pred: readonly string[];
  readonly ect_ext: Readonly<Record<string, unknown>> | undefined;
  readonly policy: PolicyState;
}

const MAX_ID = 256;
const MAX_ACT = 1024;

/**
 * Checks the shape of untrusted input against the `EctClaims` constraints of the fields the DAG uses and copies
 * them out. Anything else — wrong types, throwing getters, proxies — ends as `ERR_CLAIMS_INVALID`, never as a
 * `TypeError`. Hand-written rather than zod because it runs once per insert on the hot path.
 */
export function readDagNode(input: unknown, maxPredecessors: number): CheckedNode {
  try {
    return readUnsafe(input, maxPredecessors);
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw snError('ERR_CLAIMS_INVALID', 'node could not be read', { cause: e });
  }
}

function readUnsafe(input: unknown, maxPredecessors: number): CheckedNode {
  if (typeof input !== 'object' || input === null) throw invalid('node is not an object');
  const o = input as Record<string, unknown>;
  const jti = text(o.jti, 'jti', MAX_ID);
  const wid = text(o.wid, 'wid', MAX_ID);
  const iss = text(o.iss, 'iss', Number.POSITIVE_INFINITY);
  const exec_act = text(o.exec_act, 'exec_act', MAX_ACT);
  const iat = o.iat;
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat) || iat < 0) throw invalid('iat');
  const rawPred = o.pred;
  if (!Array.isArray(rawPred)) throw invalid('pred is not an array');
  const count = rawPred.length;
  // The count limit is checked here, before the list is read, so an enormous list costs nothing.
  if (count > maxPredecessors) throw snError('ERR_ECT_TOO_MANY_PREDECESSORS', `${count} > ${maxPredecessors}`);
  const pred: string[] = new Array(count);
  for (let i = 0; i < count; i++) pred[i] = text(rawPred[i], 'pred entry', MAX_ID);
  const ext = o.ect_ext;
  let ect_ext: Readonly<Record<string, unknown>> | undefined;
  let policy: PolicyState = PolicyState.None;
  if (ext !== undefined) {
    if (!isPlainObject(ext)) throw invalid('ect_ext is not a plain object');
    ect_ext = ext;
    if (Object.hasOwn(ext, 'pol_decision')) {
      policy = ext.pol_decision === 'approved' ? PolicyState.Approved : PolicyState.NotApproved;
    }
  }
  return { jti, wid, iat, iss, exec_act, pred, ect_ext, policy };
}

function text(v: unknown, name: string, max: number): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(name);
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function invalid(what: string) {
  return snError('ERR_CLAIMS_INVALID', what);
}

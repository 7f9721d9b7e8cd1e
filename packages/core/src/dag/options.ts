import { snError } from '../errors/index.js';
import { checkInt } from '../util/input-options.js';

/**
 * Limits and switches of DAG validation. The defaults are those of the ECT reference implementations, so a node
 * accepted here is accepted there.
 */
export interface DagOptions {
  /** How far (seconds) a predecessor's `iat` may lie after its successor's before the order is refused. */
  readonly clockSkewSeconds?: number;
  /** Most entries a node's `pred` may hold. */
  readonly maxPredecessors?: number;
  /** Most ancestors {@link assertAcyclic} visits before it gives up with `ERR_ECT_TRAVERSAL_LIMIT`. */
  readonly traversalLimit?: number;
  /** Refuse a node whose predecessor carries an `ect_ext.pol_decision` other than `approved`. */
  readonly checkPredecessorPolicy?: boolean;
}

/** {@link DagOptions} with every field present. */
export type ResolvedDagOptions = Required<DagOptions>;

/** The defaults: 30 s clock skew, 100 predecessors, 10 000 ancestors walked, predecessor policy checked. */
export const DAG_DEFAULTS: ResolvedDagOptions = Object.freeze({
  clockSkewSeconds: 30,
  maxPredecessors: 100,
  traversalLimit: 10_000,
  checkPredecessorPolicy: true,
});

/**
 * A count or limit option: a whole number ≥ 0, else `ERR_INPUT_INVALID` naming it. Limits are compared with `>`,
 * and with NaN (or a string) such a comparison never fires.
 */
export function checkLimit(value: unknown, name: string): number {
  return checkInt(value, name, 0, Number.MAX_SAFE_INTEGER);
}

/** Fills in the defaults and refuses nonsense (negative or fractional limits) with `ERR_INPUT_INVALID`. */
export function resolveDagOptions(options: DagOptions = {}): ResolvedDagOptions {
  if (typeof options !== 'object' || options === null) throw snError('ERR_INPUT_INVALID', 'options must be an object');
  const resolved = { ...DAG_DEFAULTS, ...definedOnly(options) };
  for (const key of ['clockSkewSeconds', 'maxPredecessors', 'traversalLimit'] as const) checkLimit(resolved[key], key);
  if (typeof resolved.checkPredecessorPolicy !== 'boolean') {
    throw snError('ERR_INPUT_INVALID', 'checkPredecessorPolicy must be a boolean');
  }
  return Object.freeze(resolved);
}

function definedOnly(options: DagOptions): DagOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

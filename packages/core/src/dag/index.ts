export { assertAcyclic, type PredecessorSource } from './acyclic.js';
export { type DagScope, type DagVisitor, EctDag } from './ect-dag.js';
export type { DagNode, DagNodeInput } from './node.js';
export { DAG_DEFAULTS, type DagOptions, type ResolvedDagOptions } from './options.js';
export type { TraversalOptions, WalkControl } from './traverse.js';

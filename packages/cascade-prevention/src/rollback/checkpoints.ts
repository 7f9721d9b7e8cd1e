import { type DagNode, isSafetyNetError } from '@safety-net/core';
import { cpError } from '../errors.js';
import { type CheckpointInput, readCheckpoint } from './inputs.js';

/** Finds the checkpoint of a task by its id, or undefined when there is none. */
export type CheckpointLookup = (jti: string) => CheckpointInput | undefined;

/**
 * The caller's checkpoint lookup, asked at most once per task and checked against the task: planning may need a
 * checkpoint both for its group and for its step.
 */
export class Checkpoints {
  private readonly seen = new Map<string, CheckpointInput | undefined>();

  constructor(private readonly lookup: CheckpointLookup) {
    if (typeof lookup !== 'function') throw cpError('ERR_CP_CONFIG_INVALID', 'checkpointOf must be a function');
  }

  /** The checked checkpoint of `node`, or undefined. A lookup that throws is `ERR_CP_PLAN_INVALID`. */
  of(node: DagNode): CheckpointInput | undefined {
    if (this.seen.has(node.jti)) return this.seen.get(node.jti);
    let raw: unknown;
    try {
      raw = this.lookup(node.jti);
    } catch (e) {
      if (isSafetyNetError(e)) throw e;
      throw cpError('ERR_CP_PLAN_INVALID', `checkpoint lookup failed for ${node.jti}`, { cause: e });
    }
    const checkpoint = raw === undefined ? undefined : readCheckpoint(raw, node.jti, node.iss);
    this.seen.set(node.jti, checkpoint);
    return checkpoint;
  }
}

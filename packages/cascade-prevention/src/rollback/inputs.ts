import { isSafetyNetError } from '@safety-net/core';
import { cpError } from '../errors.js';

/** How to undo a task: the compensating action and the digest of its parameters (§2.3 `compensation`). */
export interface CompensationInput {
  readonly action: string;
  /** SHA-256 of the parameters, unpadded base64url. */
  readonly params: string;
  readonly endpoint?: string | undefined;
}

/**
 * What planning reads of a Checkpoint (§2.3, JSON form). Structural, so that verified checkpoint claims fit as they
 * are.
 */
export interface CheckpointInput {
  /** The task the checkpoint is for. */
  readonly task: string;
  /** The agent that ran the task and signed the checkpoint. */
  readonly iss: string;
  readonly resource: string;
  /** Digests of the resource's state before and after the task, unpadded base64url. */
  readonly before: string;
  readonly after: string;
  readonly undo: CompensationInput | 'not_reversible';
  /** Coordinated actions sharing a group are reversed as a unit. */
  readonly group?: string | undefined;
}

/** What planning reads of a Rollback Request (§2.4); other claims may be present and are ignored. */
export interface RollbackRequestInput {
  /** The rollback id: the prefix of every step's idempotency key. */
  readonly rollback: string;
  /** The faulty task. */
  readonly root_cause: string;
  readonly scope: 'descendants' | 'workflow';
  /** Tasks whose checkpointed state is the target: never undone. */
  readonly known_good: readonly string[];
}

const DIGEST = /^[A-Za-z0-9_-]{43}$/;

/** Reads a request once into plain values; any deviation from §2.4 is `ERR_CP_PLAN_INVALID`. */
export function readRequest(input: unknown, maxKnownGood: number): RollbackRequestInput {
  return guarded('rollback request could not be read', () => {
    if (typeof input !== 'object' || input === null) throw invalid('request is not an object');
    const o = input as Record<string, unknown>;
    const rollback = name(o.rollback, 'rollback', 256);
    const root_cause = name(o.root_cause, 'root_cause', 256);
    const scope = o.scope;
    if (scope !== 'descendants' && scope !== 'workflow') throw invalid('scope must be descendants or workflow');
    const raw = o.known_good;
    if (!Array.isArray(raw)) throw invalid('known_good is not an array');
    if (raw.length > maxKnownGood) throw invalid(`known_good lists more than ${maxKnownGood} tasks`);
    const known_good: string[] = [];
    for (let i = 0; i < raw.length; i++) known_good.push(name(raw[i], 'known_good entry', 256));
    return { rollback, root_cause, scope, known_good };
  });
}

/** Reads a checkpoint once into plain values, checking it against its task; a bad one is `ERR_CP_PLAN_INVALID`. */
export function readCheckpoint(input: unknown, task: string, agent: string): CheckpointInput {
  return guarded(`checkpoint of ${task} could not be read`, () => {
    if (typeof input !== 'object' || input === null) throw invalid(`checkpoint of ${task} is not an object`);
    const o = input as Record<string, unknown>;
    const at = `checkpoint of ${task}`;
    if (o.task !== task) throw invalid(`${at} names another task`);
    if (o.iss !== agent) throw invalid(`${at} is not from the task's agent`);
    const resource = name(o.resource, `${at}: resource`, 256);
    const before = digest(o.before, `${at}: before`);
    const after = digest(o.after, `${at}: after`);
    const undo = compensation(o.undo, at);
    const group = o.group === undefined ? undefined : name(o.group, `${at}: group`, 256);
    return { task, iss: agent, resource, before, after, undo, ...(group === undefined ? {} : { group }) };
  });
}

function compensation(v: unknown, at: string): CheckpointInput['undo'] {
  if (v === 'not_reversible') return v;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${at}: undo`);
  const o = v as Record<string, unknown>;
  const action = name(o.action, `${at}: undo.action`, 256);
  const params = digest(o.params, `${at}: undo.params`);
  if (o.endpoint === undefined) return { action, params };
  return { action, params, endpoint: name(o.endpoint, `${at}: undo.endpoint`, 2048) };
}

function name(v: unknown, what: string, max: number): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(what);
  return v;
}

function digest(v: unknown, what: string): string {
  if (typeof v !== 'string' || !DIGEST.test(v)) throw invalid(`${what} is not a base64url SHA-256 digest`);
  return v;
}

function guarded<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw cpError('ERR_CP_PLAN_INVALID', what, { cause: e });
  }
}

function invalid(detail: string) {
  return cpError('ERR_CP_PLAN_INVALID', detail);
}

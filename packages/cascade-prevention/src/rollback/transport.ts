import { cpError } from '../errors.js';
import type { PlanStep } from '../messages/rollback-plan.js';
import type { RollbackParticipant } from './participant.js';

/** Whom a coordinator call goes to: the participant and its steps in this rollback. */
export interface ParticipantAddress {
  readonly agent: string;
  /** The participant's steps (all of them for fences; the one concerned for a compensation). */
  readonly steps: readonly PlanStep[];
}

/**
 * How a coordinator reaches participants (spec §6.3): in process ({@link inProcessTransport}) or over HTTP
 * (`httpTransport`). Every body is a signed message; a failure is a thrown Safety Net error.
 */
export interface RollbackTransport {
  raiseFences(to: ParticipantAddress, excerpt: Uint8Array, signal: AbortSignal): Promise<void>;
  compensate(to: ParticipantAddress, excerpt: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  releaseFences(to: ParticipantAddress, complete: Uint8Array, signal: AbortSignal): Promise<void>;
}

/** Calls participants living in the same process directly, with the same messages as over the wire. */
export function inProcessTransport(participants: Iterable<RollbackParticipant>): RollbackTransport {
  const byAgent = new Map([...participants].map((p) => [p.agent, p]));
  const find = (agent: string) => {
    const p = byAgent.get(agent);
    if (!p) throw cpError('ERR_CP_COMPENSATION_FAILED', `no participant ${agent}`);
    return p;
  };
  return {
    raiseFences: async (to, excerpt) => find(to.agent).raiseFences(excerpt),
    compensate: async (to, excerpt, signal) => find(to.agent).compensate(excerpt, signal),
    releaseFences: async (to, complete) => find(to.agent).releaseFences(complete),
  };
}

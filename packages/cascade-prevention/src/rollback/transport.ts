import { cpError } from '../errors.js';
import type { PlanStep } from '../messages/rollback-plan.js';
import type { ParticipantEndpoint } from './participant.js';

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
  /** `lease`: the coordinator's lease token for the rollback (spec §6.6), sent along with the message. */
  raiseFences(to: ParticipantAddress, excerpt: Uint8Array, signal: AbortSignal, lease?: number): Promise<void>;
  compensate(to: ParticipantAddress, excerpt: Uint8Array, signal: AbortSignal, lease?: number): Promise<Uint8Array>;
  releaseFences(to: ParticipantAddress, complete: Uint8Array, signal: AbortSignal, lease?: number): Promise<void>;
  /**
   * The result the participant recorded for the excerpt's one step, undefined when it has none; asked before a
   * step is given up. A transport without it gives steps up on its own count.
   */
  result?(
    to: ParticipantAddress,
    excerpt: Uint8Array,
    signal: AbortSignal,
    lease?: number,
  ): Promise<Uint8Array | undefined>;
}

/** Calls participants living in the same process directly, with the same messages as over the wire. */
export function inProcessTransport(participants: Iterable<ParticipantEndpoint>): RollbackTransport {
  const byAgent = new Map([...participants].map((p) => [p.agent, p]));
  const find = (agent: string) => {
    const p = byAgent.get(agent);
    if (!p) throw cpError('ERR_CP_COMPENSATION_FAILED', `no participant ${agent}`);
    return p;
  };
  return {
    raiseFences: async (to, excerpt, _signal, lease) => find(to.agent).raiseFences(excerpt, { lease }),
    compensate: async (to, excerpt, signal, lease) => find(to.agent).compensate(excerpt, signal, { lease }),
    releaseFences: async (to, complete, _signal, lease) => find(to.agent).releaseFences(complete, { lease }),
    result: async (to, excerpt, _signal, lease) => find(to.agent).resultOf(excerpt, { lease }),
  };
}

import { bet } from '@safety-net/behavioral-verification';
import { cpError, rollbackComplete, rollbackRequest } from '@safety-net/cascade-prevention';
import {
  type Clock,
  decodeSign1,
  HEADER,
  type KeyResolver,
  type MessageType,
  type PublicKey,
  snError,
} from '@safety-net/core';
import { ovError } from '../errors.js';
import { checkHandoff } from '../guard/takeover.js';
import { handoff } from '../messages/handoff.js';
import { type OverrideSignalClaims, overrideSignal } from '../messages/override-signal.js';
import { claimsOf } from './decode.js';
import type { AgentRegistry } from './registry.js';
import type { ControllerStore, RecordKind, StoredRecord } from './store.js';

/** The records compliance checks rely on besides acknowledgements (spec §7.7), as the control plane stores them. */
export type ArtefactKind = Extract<RecordKind, 'bet' | 'handoff' | 'rollback-request' | 'rollback-complete'>;

/** A record the control plane took through {@link OverrideController.submit}. */
export interface SubmittedArtefact {
  readonly kind: ArtefactKind;
  readonly jti: string;
  /** The override signal it concerns; absent for a BET, which is judged against signals when evidence is due. */
  readonly signal?: string;
}

/** Who signs the records the control plane does not get from its own agents (spec §7.7). */
export interface ArtefactVerifiers {
  /** The behavioural verifiers whose BETs about agents are trusted (`behavioral-verification.md` §6). */
  readonly bets?: PublicKey | KeyResolver;
  /** The rollback coordinators (and requesters) whose Rollback Requests and Completes are trusted. */
  readonly rollbacks?: PublicKey | KeyResolver;
}

/** What intake needs of the controller. */
export interface ArtefactContext {
  readonly store: ControllerStore;
  readonly registry: AgentRegistry;
  readonly verifiers: ArtefactVerifiers;
  readonly clock: Clock;
  readonly skew: number;
}

const TYPES: Readonly<Record<string, ArtefactKind>> = {
  [bet.typ]: 'bet',
  [handoff.typ]: 'handoff',
  [rollbackRequest.typ]: 'rollback-request',
  [rollbackComplete.typ]: 'rollback-complete',
};

/**
 * Verifies a BET, Hand-off, Rollback Request or Rollback Complete, ties it to the signal it concerns and stores it
 * (spec §7.7, §10). The same `jti` again is a no-op. Refusals: another message type or garbage `ERR_INPUT_INVALID`;
 * a signature or claims that do not verify, the code of `core.md` §6.5; no trusted key configured for its kind
 * `ERR_OV_CONFIG_INVALID`; a Hand-off that does not match its takeover `ERR_OV_HANDOFF_INVALID`; a Rollback
 * Request that names no rollback signal of this control plane, or does not roll back what it says,
 * `ERR_INPUT_INVALID`; a Rollback Complete of no known request `ERR_CP_ROLLBACK_UNKNOWN`.
 */
export async function takeArtefact(ctx: ArtefactContext, bytes: Uint8Array): Promise<SubmittedArtefact> {
  let kind: ArtefactKind | undefined;
  try {
    kind = TYPES[String(decodeSign1(bytes).protectedHeader.get(HEADER.typ))];
  } catch (e) {
    throw snError('ERR_INPUT_INVALID', 'not a COSE_Sign1 message', { cause: e });
  }
  if (kind === undefined) throw snError('ERR_INPUT_INVALID', 'not a BET, Hand-off, Rollback Request or Complete');
  const record = await INTAKE[kind](ctx, bytes);
  await ctx.store.addRecord(record);
  return { kind, jti: record.jti, ...(record.signal !== undefined ? { signal: record.signal } : {}) };
}

type Intake = (ctx: ArtefactContext, bytes: Uint8Array) => Promise<StoredRecord>;

const INTAKE: Record<ArtefactKind, Intake> = {
  bet: async (ctx, bytes) => {
    const claims = verified(ctx, bet, bytes, ctx.verifiers.bets, 'BET verifiers');
    return { kind: 'bet', jti: claims.jti, agent: claims.sub, iat: claims.iat, bytes };
  },
  handoff: async (ctx, bytes) => {
    const agent = ctx.registry.get(undecoded(handoff, bytes).iss);
    if (agent === undefined) throw snError('ERR_KEY_NOT_FOUND', 'the hand-off is from no registered agent');
    const claims = verified(ctx, handoff, bytes, agent.key, 'agent key');
    const signal = await signalOf(ctx, claims.signal);
    checkHandoff(claims, signal.claims);
    if (!signal.agents.includes(claims.iss)) {
      throw ovError('ERR_OV_HANDOFF_INVALID', `${claims.iss} is not an agent the takeover was sent to`);
    }
    return { kind: 'handoff', jti: claims.jti, agent: claims.iss, signal: claims.signal, iat: claims.iat, bytes };
  },
  'rollback-request': async (ctx, bytes) => {
    const claims = verified(ctx, rollbackRequest, bytes, ctx.verifiers.rollbacks, 'rollback keys');
    let found: OverrideSignalClaims | undefined;
    for (const jti of claims.pred) {
      const stored = await ctx.store.signal(jti);
      const signal = stored && claimsOf(overrideSignal, stored.bytes);
      if (signal?.action.name === 'rollback') found = signal;
    }
    if (found === undefined) throw snError('ERR_INPUT_INVALID', 'the request names no rollback signal in pred');
    const params = found.action.params as { root_cause: string; scope: string; known_good: string[] };
    const same =
      claims.root_cause === params.root_cause &&
      claims.scope === params.scope &&
      [...claims.known_good].sort().join('\n') === [...params.known_good].sort().join('\n');
    if (!same) throw snError('ERR_INPUT_INVALID', `the request does not roll back what ${found.jti} orders`);
    return { kind: 'rollback-request', jti: claims.jti, agent: claims.iss, signal: found.jti, iat: claims.iat, bytes };
  },
  'rollback-complete': async (ctx, bytes) => {
    const claims = verified(ctx, rollbackComplete, bytes, ctx.verifiers.rollbacks, 'rollback keys');
    const requests = await ctx.store.records('rollback-request');
    const request = requests.find((r) => claimsOf(rollbackRequest, r.bytes).rollback === claims.rollback);
    if (request === undefined) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', `no request of rollback ${claims.rollback}`);
    return {
      kind: 'rollback-complete',
      jti: claims.jti,
      agent: claims.iss,
      signal: request.signal!,
      iat: claims.iat,
      bytes,
    };
  },
};

function verified<T extends object>(
  ctx: ArtefactContext,
  type: MessageType<T>,
  bytes: Uint8Array,
  key: PublicKey | KeyResolver | undefined,
  what: string,
): T {
  if (key === undefined) throw ovError('ERR_OV_CONFIG_INVALID', `no ${what} configured for ${type.name}`);
  const result = type.verify(bytes, { key, clock: ctx.clock, clockSkewSeconds: ctx.skew });
  if (!result.ok) throw result.error;
  return result.claims;
}

/** The claims before verification, to find the key: garbage is `ERR_INPUT_INVALID`. */
function undecoded<T extends object>(type: MessageType<T>, bytes: Uint8Array): T {
  try {
    return claimsOf(type, bytes);
  } catch (e) {
    throw snError('ERR_INPUT_INVALID', `not a valid ${type.name}`, { cause: e });
  }
}

async function signalOf(ctx: ArtefactContext, jti: string) {
  const stored = await ctx.store.signal(jti);
  if (stored === undefined) throw snError('ERR_INPUT_INVALID', `${jti} is no signal of this control plane`);
  return { claims: claimsOf(overrideSignal, stored.bytes), agents: stored.agents };
}

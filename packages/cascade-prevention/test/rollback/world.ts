import { cpError } from '@safety-net/cascade-prevention';
/**
 * A small workflow for rollback tests: order → inventory → shipping → payment, four agents each holding one
 * resource, every task checkpointed with the state before and after it, and compensation handlers that put the
 * resource back and count how often they really ran.
 */
import { EctDag, ectHash, fixedClock, generateKey, keySet, publicKeyOf, seededRandom, utf8 } from '@safety-net/core';
import { NOW } from '../../../../test-support/time.js';
import type { CheckpointClaims } from '../../src/messages/index.js';
import {
  inProcessTransport,
  type ParticipantStore,
  RollbackParticipant,
  type RollbackTransport,
} from '../../src/rollback/index.js';

export { NOW } from '../../../../test-support/time.js';
export const COORDINATOR = 'spiffe://example.org/coordinator';
export const coordinatorKey = generateKey('Ed25519', seededRandom('rb-coordinator'));

const agents = ['order', 'inventory', 'shipping', 'payment'] as const;
export type AgentName = (typeof agents)[number];
export const agentId = (a: AgentName) => `spiffe://example.org/agent/${a}`;
const agentKeys = Object.fromEntries(
  agents.map((a) => [a, { ...generateKey('Ed25519', seededRandom(`rb-${a}`)), kid: utf8(a) }]),
) as Record<AgentName, ReturnType<typeof generateKey>>;

/** Resource values before and after each task. */
const STATES: Record<AgentName, { resource: string; before: string; after: string }> = {
  order: { resource: 'orders/1001', before: 'none', after: 'placed' },
  inventory: { resource: 'stock/sku-42', before: 'qty=10', after: 'qty=7 (bad batch)' },
  shipping: { resource: 'shipments/1001', before: 'none', after: 'label printed' },
  payment: { resource: 'ledger/1001', before: 'balance=0', after: 'charged 300' },
};

export interface WorldOptions {
  /** Decides, per handler run, whether it fails (before touching the resource). */
  readonly failWhen?: (agent: AgentName, attempt: number) => boolean;
  /** Stores of each participant (default in memory). */
  readonly stores?: Partial<Record<AgentName, ParticipantStore>>;
  /** Agents whose checkpoint says not_reversible. */
  readonly notReversible?: readonly AgentName[];
}

export function makeWorld(options: WorldOptions = {}) {
  const clock = fixedClock(NOW * 1000);
  const dag = new EctDag();
  const state = new Map<string, string>();
  const applied = new Map<AgentName, number>();
  const checkpoints = new Map<string, CheckpointClaims>();
  let previous: string[] = [];
  for (const [i, a] of agents.entries()) {
    const jti = `task-${a}`;
    dag.insert({ jti, wid: 'wf-order-1001', iat: NOW - 100 + i, iss: agentId(a), exec_act: `${a}.do`, pred: previous });
    previous = [jti];
    const s = STATES[a];
    state.set(s.resource, s.after);
    checkpoints.set(jti, {
      iss: agentId(a),
      iat: NOW - 100 + i,
      jti: `ckpt-${a}`,
      wid: 'wf-order-1001',
      pred: [jti],
      task: jti,
      resource: s.resource,
      before: ectHash(s.before),
      after: ectHash(s.after),
      undo: options.notReversible?.includes(a)
        ? 'not_reversible'
        : { action: `${a}.undo`, params: ectHash(`undo ${a}`) },
    });
  }
  const fenceSeen: string[] = [];
  const participants = agents.map(
    (a) =>
      new RollbackParticipant({
        agent: agentId(a),
        key: agentKeys[a],
        coordinators: keySet([{ key: publicKeyOf(coordinatorKey), issuers: [COORDINATOR] }]),
        clock,
        random: seededRandom(`rb-participant-${a}`),
        ...(options.stores?.[a] ? { store: options.stores[a] } : {}),
        handlers: {
          [`${a}.undo`]: async ({ step, attempt, holder }) => {
            if (options.failWhen?.(a, attempt)) throw cpError('ERR_CP_COMPENSATION_FAILED', `${a} is busy`);
            // The rollback's own fence lets its compensation through, as a handler checking fences would see it.
            participants.find((p) => p.agent === agentId(a))!.fence.check(step.resource, holder);
            // While compensating, the other fenced resources must refuse new work.
            for (const other of participants)
              if (other.agent !== agentId(a) && other.fence.isFenced(STATES[nameOf(other.agent)].resource))
                fenceSeen.push(other.agent);
            state.set(step.resource, STATES[a].before);
            applied.set(a, (applied.get(a) ?? 0) + 1);
            return { state: ectHash(STATES[a].before) };
          },
        },
      }),
  );
  const participantKeys = keySet(agents.map((a) => ({ key: publicKeyOf(agentKeys[a]), issuers: [agentId(a)] })));
  return {
    clock,
    dag,
    state,
    applied,
    checkpoints,
    participants,
    participantKeys,
    fenceSeen,
    transport: inProcessTransport(participants) as RollbackTransport,
    /** The state each resource had before the bad inventory batch and everything after it. */
    expectedAfterRollback: new Map(
      agents.map((a) => [STATES[a].resource, a === 'order' ? STATES[a].after : STATES[a].before]),
    ),
    coordinatorOptions(extra: { transport?: RollbackTransport } = {}) {
      return {
        iss: COORDINATOR,
        instance: 'coordinator-1',
        key: coordinatorKey,
        dag,
        checkpoints: (jti: string) => checkpoints.get(jti),
        participants: participantKeys,
        transport: extra.transport ?? inProcessTransport(participants),
        clock,
        random: seededRandom('rb-coordinator-ids'),
        sleep: async (ms: number) => clock.advance(ms),
      };
    },
  };
}

function nameOf(agent: string): AgentName {
  return agent.slice(agent.lastIndexOf('/') + 1) as AgentName;
}

/** The request every test starts from: undo the bad inventory batch and everything that followed it. */
export const badBatch = {
  rollback: 'rb-1001',
  root_cause: 'task-inventory',
  scope: 'descendants' as const,
  known_good: ['task-order'],
  reason: 'bad inventory batch',
  deadline: NOW + 600,
};

import {
  type CheckpointClaims,
  type CompensationRequest,
  checkpoint,
  cpError,
  type ParticipantStore,
  RollbackParticipant,
} from '@safety-net/cascade-prevention';
import {
  type Clock,
  ectHash,
  epochSeconds,
  type KeyResolver,
  type PrivateKey,
  type RandomSource,
} from '@safety-net/core';

/** One change an agent made: which resource, its value before and after, and how to undo it. */
export interface Change {
  readonly task: string;
  readonly resource: string;
  readonly after: string;
  readonly undo: string;
  readonly group: string;
}

/**
 * A warehouse-side agent (inventory, shipping or payment) with its own state, its checkpoints and a rollback
 * participant that puts a resource back to its checkpointed value. Counts how often each compensation really
 * changed state, so a double compensation would show.
 */
export class SupplyAgent {
  readonly state = new Map<string, string>();
  /** Compensations that changed state, by idempotency key. */
  readonly applied = new Map<string, number>();
  readonly participant: RollbackParticipant;
  /** Values before each task, kept by the agent: the parameters of its compensations. */
  readonly #before = new Map<string, string>();

  constructor(
    readonly id: string,
    readonly key: PrivateKey,
    options: {
      coordinators: KeyResolver;
      clock: Clock;
      random: RandomSource;
      /** Durable fences and idempotency record; its transaction also carries each compensation's effect. */
      store: ParticipantStore;
      /** Draws whether one compensation attempt fails (injected failures). */
      failing: () => boolean;
      endpoint: () => string;
    },
  ) {
    this.#endpoint = options.endpoint;
    this.#clock = options.clock;
    // The effect and the recorded result commit together: a crash leaves both done or neither.
    const restore = async ({ step, key, commit }: CompensationRequest) => {
      if (options.failing()) throw cpError('ERR_CP_COMPENSATION_FAILED', `${this.id}: storage briefly unavailable`);
      return commit(() => {
        const before = this.#before.get(step.task)!;
        this.state.set(step.resource, before);
        this.applied.set(key, (this.applied.get(key) ?? 0) + 1);
        return { state: ectHash(before) };
      });
    };
    this.participant = new RollbackParticipant({
      agent: id,
      key,
      coordinators: options.coordinators,
      clock: options.clock,
      random: options.random,
      store: options.store,
      handlers: { 'inventory.restore': restore, 'shipping.cancel': restore, 'payment.refund': restore },
    });
  }

  readonly #endpoint: () => string;
  readonly #clock: Clock;

  /** Does a task (refused while its resource is fenced) and returns its signed checkpoint's claims and bytes. */
  perform(change: Change, pred: string[]): { claims: CheckpointClaims; bytes: Uint8Array } {
    this.participant.fence.check(change.resource);
    const before = this.state.get(change.resource) ?? 'none';
    this.#before.set(change.task, before);
    this.state.set(change.resource, change.after);
    const claims: CheckpointClaims = {
      iss: this.id,
      iat: epochSeconds(this.#clock),
      jti: `ckpt-${change.task}`,
      wid: 'wf-batch-b17',
      pred,
      task: change.task,
      resource: change.resource,
      before: ectHash(before),
      after: ectHash(change.after),
      undo: { action: change.undo, params: ectHash(before), endpoint: this.#endpoint() },
      group: change.group,
    };
    return { claims, bytes: checkpoint.sign(claims, this.key) };
  }
}

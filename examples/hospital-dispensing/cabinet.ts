import {
  type CheckpointClaims,
  type CompensationRequest,
  checkpoint,
  RollbackParticipant,
} from '@safety-net/cascade-prevention';
import { type SqliteDatabase, SqliteParticipantStore } from '@safety-net/cascade-prevention/sqlite';
import {
  type Clock,
  ectHash,
  epochSeconds,
  keySet,
  type PrivateKey,
  publicKeyOf,
  type RandomSource,
} from '@safety-net/core';
import { COORDINATOR, keyOf } from './world.js';

/**
 * The dispensing robot's cabinet: what each patient's drawer holds, a signed checkpoint per dose, and the rollback
 * participant that recalls a dose — the drawer goes back to what its checkpoint recorded — under the coordinator's
 * fences and idempotency keys, recorded in SQLite.
 */
export class Cabinet {
  readonly drawers = new Map<string, string>();
  readonly checkpoints: Uint8Array[] = [];
  readonly participant: RollbackParticipant<SqliteDatabase>;
  readonly #before = new Map<string, string>();

  constructor(
    private readonly agent: string,
    private readonly key: PrivateKey,
    options: { clock: Clock; random: RandomSource; db: string },
  ) {
    this.#clock = options.clock;
    this.participant = new RollbackParticipant({
      agent,
      key,
      coordinators: keySet([{ key: publicKeyOf(keyOf('coordinator')), issuers: [COORDINATOR] }]),
      clock: options.clock,
      random: options.random,
      store: new SqliteParticipantStore(options.db),
      handlers: {
        'dispensing.recall': async ({ step, commit }: CompensationRequest<SqliteDatabase>) =>
          commit(() => {
            const value = this.#before.get(step.task)!;
            this.drawers.set(step.resource, value);
            return { state: ectHash(value) };
          }),
      },
    });
  }

  readonly #clock: Clock;

  /** Puts a dose in a patient's drawer (refused while a rollback fences it) and signs its checkpoint. */
  put(dose: { patient: string; units: number; task: string; wid: string; pred: string[] }, endpoint: string): void {
    const resource = `cabinet/${dose.patient}`;
    this.participant.fence.check(resource);
    const was = this.drawers.get(resource) ?? 'none';
    const now = `${dose.units} units heparin`;
    this.#before.set(dose.task, was);
    this.drawers.set(resource, now);
    const claims: CheckpointClaims = {
      iss: this.agent,
      iat: epochSeconds(this.#clock),
      jti: `ckpt-${dose.task}`,
      wid: dose.wid,
      pred: dose.pred,
      task: dose.task,
      resource,
      before: ectHash(was),
      after: ectHash(now),
      undo: { action: 'dispensing.recall', params: ectHash(was), endpoint },
      group: dose.wid,
    };
    this.checkpoints.push(checkpoint.sign(claims, this.key));
  }
}

import { ovError } from '../errors.js';
import type { InFlight } from '../messages/acknowledgement.js';
import { type ActionPlace, covers, type Hold } from './hold.js';
import type { GuardAction } from './options.js';

/** One action the guard is running. */
export interface Running {
  readonly action: GuardAction;
  readonly controller: AbortController;
  /** Resolved when the action has ended, however it ended. */
  readonly ended: Promise<void>;
}

/** The actions running under the guard, so that a stop can abort or await those of its scope (spec §3.3). */
export class InFlightActions {
  readonly #running = new Set<Running>();

  add(running: Running): void {
    this.#running.add(running);
  }

  delete(running: Running): void {
    this.#running.delete(running);
  }

  /** The running actions a hold covers. */
  coveredBy(hold: Pick<Hold, 'scope'>): Running[] {
    return [...this.#running].filter((r) => covers(hold, place(r.action)));
  }

  /** Aborts the running actions a hold covers, at once, and lists them as aborted (spec §3.3 category 0). */
  abort(hold: Pick<Hold, 'scope'>): InFlight[] {
    return this.coveredBy(hold).map((r) => {
      r.controller.abort(ovError('ERR_OV_ABORTED', `${r.action.name} aborted by a stop`));
      return entry(r, 'aborted');
    });
  }
}

/** Where an action runs. */
export function place(action: GuardAction): ActionPlace {
  return { task: action.task, workflow: action.workflow };
}

/** The acknowledgement entry of a running action. */
function entry(r: Running, outcome: InFlight['outcome']): InFlight {
  return { task: r.action.task ?? r.action.name, exec_act: r.action.name, outcome };
}

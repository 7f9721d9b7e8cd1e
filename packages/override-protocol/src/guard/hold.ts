import { ovError } from '../errors.js';
import type { ActionName, Level, Order } from '../messages/common.js';
import type { SafeState } from '../messages/lease.js';
import type { Scope } from '../messages/override-signal.js';

/** What a hold does to the actions it covers (spec §2, §8.1); `lapse` is a lapsed lease's safe state (§9). */
export type HoldKind = 'pause' | 'stop' | 'constrain' | 'takeover' | 'lapse';

/**
 * The durable effect of a restrictive signal (spec §2): created by the signal whose `jti` it carries, lifted only
 * by a lift that names it.
 */
export interface Hold {
  readonly jti: string;
  readonly ctl: string;
  readonly order: Order;
  readonly kind: HoldKind;
  readonly level: Level;
  /** Stop category: 0 for an immediate stop, 1 for a stop that lets the current step finish (spec §3.3). */
  readonly category?: 0 | 1;
  readonly scope: Scope;
  /** Seconds: when every in-flight action of the scope had ended, for stops; absent while stopping. */
  readonly halted_at?: number;
  /** A constraint the agent could not enforce: it pauses instead (spec §8.2 step 9). */
  readonly unenforced?: boolean;
  /** A lapse hold: the safe state of the lease that lapsed, and when it lapsed, seconds (spec §9). */
  readonly safe_state?: SafeState;
  readonly lapsed_at?: number;
  /** A takeover hold: the `jti` of the Hand-off signed for it (spec §4.7). */
  readonly handoff?: string;
  readonly lifted: boolean;
}

/**
 * Whether a guard keeps a hold in memory and in its store (spec §8.5): every active hold, and lapse holds lifted or
 * not (no signal record rebuilds them). A lifted signal hold is dropped: its signal's record, kept for replays,
 * holds all that a later lift naming it is judged by (its `ctl`, order and kind).
 */
export function retained(hold: Pick<Hold, 'kind' | 'lifted'>): boolean {
  return !hold.lifted || hold.kind === 'lapse';
}

/** The hold a restrictive action creates (spec §3.2): rollback and takeover halt the scope as a category 1 stop. */
export function holdKindOf(action: ActionName): HoldKind {
  switch (action) {
    case 'pause':
      return 'pause';
    case 'constrain':
      return 'constrain';
    case 'takeover':
      return 'takeover';
    default:
      return 'stop';
  }
}

/**
 * Whether a lift action may lift a hold (spec §6.3 rule 2): `resume` lifts pauses and lapses into `pause`, `release`
 * everything else.
 */
export function liftable(lift: 'resume' | 'release', hold: Pick<Hold, 'kind' | 'safe_state'>): boolean {
  const pausing = hold.kind === 'pause' || (hold.kind === 'lapse' && hold.safe_state === 'pause');
  return lift === 'resume' ? pausing : hold.kind !== 'pause';
}

/**
 * Refuses a lift of holds it may not lift (spec §6.3), all or nothing — the first hold that breaks a rule refuses
 * the whole lift: `ERR_OV_LIFT_MISMATCH` for a hold of another control plane or of a kind the action cannot lift,
 * `ERR_OV_STALE` for a hold whose order is not lower than the lift's.
 */
export function checkLift(
  lift: { readonly action: 'resume' | 'release'; readonly ctl: string; readonly order: Order },
  holds: readonly Hold[],
): void {
  for (const hold of holds) {
    if (hold.ctl !== lift.ctl) throw ovError('ERR_OV_LIFT_MISMATCH', `${hold.jti} is a hold of another control plane`);
    if (!liftable(lift.action, hold)) {
      throw ovError('ERR_OV_LIFT_MISMATCH', `${lift.action} cannot lift the ${hold.kind} ${hold.jti}`);
    }
    if (compareOrder(lift.order, hold.order) <= 0)
      throw ovError('ERR_OV_STALE', `the lift is not newer than ${hold.jti}`);
  }
}

/** Compares two orders lexicographically (spec §6). */
export function compareOrder(a: Order, b: Order): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Where an action runs, for deciding which holds cover it. */
export interface ActionPlace {
  readonly workflow?: string;
  readonly task?: string;
}

/**
 * Whether a hold covers an action at `place` (spec §8.1): agent- and domain-wide holds cover everything, a
 * workflow or task hold the actions of that workflow or task only.
 */
export function covers(hold: Pick<Hold, 'scope'>, place: ActionPlace): boolean {
  switch (hold.scope.kind) {
    case 'workflow':
      return place.workflow === hold.scope.target;
    case 'task':
      return place.task === hold.scope.target;
    default:
      return true;
  }
}

/**
 * Whether one action can be covered by holds of both scopes: agent- and domain-wide scopes meet every scope, two
 * workflows or two tasks only when they are the same, a workflow and a task always (the task may run in it).
 */
export function scopesMeet(a: Scope, b: Scope): boolean {
  if (a.kind === b.kind && (a.kind === 'workflow' || a.kind === 'task')) return a.target === b.target;
  return true;
}

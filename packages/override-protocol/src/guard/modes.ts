import type { Mode } from '../messages/common.js';
import type { SafeState } from '../messages/lease.js';
import type { Scope } from '../messages/override-signal.js';
import type { ActionPlace, Hold } from './hold.js';

/** Restrictiveness of the modes: the most restrictive active hold decides (spec §8.1). */
export const MODE_RANK: Readonly<Record<Mode, number>> = {
  running: 0,
  constrained: 1,
  paused: 2,
  safe_state: 3,
  stopping: 4,
  stopped: 5,
};

/** The more restrictive of two modes. */
export function stricter(a: Mode, b: Mode): Mode {
  return MODE_RANK[b] > MODE_RANK[a] ? b : a;
}

/** The mode a safe state puts the agent in (spec §9). */
export function safeStateMode(state: SafeState): Mode {
  return state === 'stop' ? 'safe_state' : 'paused';
}

/** The mode one active hold imposes on what it covers. */
export function modeOf(hold: Hold): Mode {
  switch (hold.kind) {
    case 'pause':
      return 'paused';
    case 'constrain':
      return hold.unenforced ? 'paused' : 'constrained';
    case 'lapse':
      return safeStateMode(hold.safe_state!);
    default:
      return hold.halted_at === undefined ? 'stopping' : 'stopped';
  }
}

/** Where a scope's actions run, for the mode reported for it. */
export function scopePlace(scope: Scope): ActionPlace | undefined {
  if (scope.kind === 'workflow') return { workflow: scope.target };
  if (scope.kind === 'task') return { task: scope.target };
  return undefined;
}

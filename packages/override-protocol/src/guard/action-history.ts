import { type PastAction, parseDecimal, type Rules } from '@safety-net/behavioral-verification';
import type { ActionPlace } from './hold.js';
import type { GuardAction } from './options.js';
import type { RecentAction, StateChange } from './state-store.js';

/** Most recent actions a guard keeps for the windows of a profile put in force (spec §8.1). */
export const MAX_RECENT_ACTIONS = 100_000;

/**
 * How long a recorded action may wait to be written (spec §8.5): one store transaction, one disk sync, per interval
 * rather than per action. Short beside any rate window, so a restart under-counts little; long beside a sync (a few
 * milliseconds), so the bookkeeping stays a small share of the agent's time however fast it acts.
 */
export const ACTION_FLUSH_MS = 100;

/** The longest window of a profile's rate and budget rules: without limit for a budget without one; 0 for none. */
export function longestWindow(rules: Rules): number {
  let longest = 0;
  for (const r of rules.rates) longest = Math.max(longest, r.window_ms);
  for (const b of rules.budgets) longest = Math.max(longest, b.window_ms ?? Number.POSITIVE_INFINITY);
  return longest;
}

/** The numeric parameters of an action: all a budget window can count, and nothing else of it is kept. */
function numericParams(params: GuardAction['params']): RecentAction['params'] {
  const kept: Record<string, number | string> = {};
  let any = false;
  for (const [name, v] of Object.entries(params ?? {})) {
    if ((typeof v === 'number' || typeof v === 'string') && parseDecimal(v) !== undefined) {
      kept[name] = v;
      any = true;
    }
  }
  return any ? kept : undefined;
}

/**
 * The actions that ran while a profile with rate or budget rules was enforced, oldest first, so that a profile put
 * in force later counts them in its windows as if it had been in force (spec §8.1). Bounded: an action is kept while
 * it lies within the longest window of the enforced profiles, and at most {@link MAX_RECENT_ACTIONS} of them. What
 * the store has not been given yet waits for {@link ActionHistory.take}, so that many actions cost one write.
 */
export class ActionHistory {
  #actions: RecentAction[] = [];
  #head = 0;
  #next = 0;
  /** Recorded since the last `take`, oldest first. */
  #unwritten: RecentAction[] = [];
  /** The newest cut since the last `take`: every action with a lower `seq` is forgotten. */
  #forget: number | undefined;

  constructor(private readonly max = MAX_RECENT_ACTIONS) {}

  /** Takes the actions a store held, in any order. */
  restore(actions: readonly RecentAction[]): void {
    this.#actions = [...actions].sort((a, b) => a.seq - b.seq);
    this.#head = 0;
    this.#next = (this.#actions.at(-1)?.seq ?? -1) + 1;
  }

  get size(): number {
    return this.#actions.length - this.#head;
  }

  /** Whether actions were recorded or forgotten since the last `take`. */
  get unwritten(): boolean {
    return this.#unwritten.length > 0 || this.#forget !== undefined;
  }

  /**
   * Records an action that starts at `timeMs`, and forgets those that have left a window of `horizonMs` (or are
   * past the most kept); both reach the store with the next `take`.
   */
  add(action: GuardAction, timeMs: number, horizonMs: number): void {
    const params = numericParams(action.params);
    const recent: RecentAction = {
      seq: this.#next++,
      name: action.name,
      time_ms: timeMs,
      ...(action.task !== undefined ? { task: action.task } : {}),
      ...(action.workflow !== undefined ? { workflow: action.workflow } : {}),
      ...(params ? { params } : {}),
    };
    this.#actions.push(recent);
    this.#unwritten.push(recent);
    const before = this.#head;
    const start = timeMs - horizonMs;
    while (this.size > this.max || (this.size > 0 && this.#actions[this.#head]!.time_ms <= start)) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#actions.length) {
      this.#actions = this.#actions.slice(this.#head);
      this.#head = 0;
    }
    if (this.#head !== before) this.#forget = this.#actions[this.#head]?.seq ?? this.#next;
  }

  /**
   * The change that persists what was recorded and forgotten since the last call, in one transaction: the cut is the
   * newest, so it applies after every action added here, and actions it already cut are not written at all.
   */
  take(): Pick<StateChange, 'addActions' | 'forgetActionsBefore'> {
    const cut = this.#forget;
    const added = cut === undefined ? this.#unwritten : this.#unwritten.filter((a) => a.seq >= cut);
    this.#unwritten = [];
    this.#forget = undefined;
    return {
      ...(added.length > 0 ? { addActions: added } : {}),
      ...(cut !== undefined ? { forgetActionsBefore: cut } : {}),
    };
  }

  /** The kept actions at the places `covered` accepts, as a monitor counts them. */
  pastFor(covered: (at: ActionPlace) => boolean): PastAction[] {
    const past: PastAction[] = [];
    for (let i = this.#head; i < this.#actions.length; i++) {
      const a = this.#actions[i]!;
      if (covered({ task: a.task, workflow: a.workflow })) {
        past.push({ exec_act: a.name, time_ms: a.time_ms, ...(a.params ? { params: a.params } : {}) });
      }
    }
    return past;
  }
}

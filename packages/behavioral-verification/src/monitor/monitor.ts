import { type Clock, DAG_DEFAULTS, EctDag, readClock, snError, systemClock } from '@safety-net/core';
import { checkLimit } from '@safety-net/core/internal';
import type { DriftAlarm, NumericDetector } from '../drift/alarm.js';
import { Cusum } from '../drift/cusum.js';
import { MixDivergence } from '../drift/divergence.js';
import { PageHinkley } from '../drift/page-hinkley.js';
import { formatDecimal, parseDecimal } from '../rules/decimal.js';
import { type Response, UNLISTED_RULE_ID, type ViolationClass } from '../rules/schema.js';
import type { Applicable, CompiledProfile } from './compile.js';
import {
  failureOutcome,
  type GuardAction,
  type GuardOptions,
  type GuardOutcome,
  guardObservation,
  refusal,
} from './guard.js';
import type { ObservationInput, ObservationInputIn } from './observation-input.js';
import { NO_TEXTS, readObservation } from './read-observation.js';
import { TaskMemory } from './task-memory.js';
import { decide, type JsonValue, type Verdict, type Violation } from './verdict.js';
import { BudgetWindow, budgetValue, RateWindow } from './windows.js';

/** How a monitor is used. */
export interface MonitorOptions {
  /**
   * `enforce` (default): judge an action before it runs, at the clock's time; only an allowed action enters the
   * windows and the DAG. `observe`: judge what already happened, at the observation's `time_ms`; every action enters.
   * Any other value is `ERR_INPUT_INVALID`.
   */
  readonly mode?: 'enforce' | 'observe';
  /** The clock of enforce mode. Default: the system clock. */
  readonly clock?: Clock;
  /**
   * The ECT DAG sequencing rules look up, and into which committed actions are inserted (nodes already present are
   * not inserted again); its size is the caller's to bound. Default: none. The monitor then remembers the last
   * `maxTracked` tasks it counted (action, and predecessors when an `ancestor` rule needs them), and nothing more.
   */
  readonly dag?: EctDag;
  /**
   * Most nodes an ancestor lookup may visit (`ERR_ECT_TRAVERSAL_LIMIT` beyond), an integer ≥ 0 (else
   * `ERR_INPUT_INVALID`). Default 10,000.
   */
  readonly traversalLimit?: number;
  /**
   * Most committed tasks the monitor remembers for predecessor and ancestor lookups, an integer ≥ 0 (else
   * `ERR_INPUT_INVALID`). Default 100,000. Past it the oldest are forgotten first; a forgotten predecessor is then
   * looked up in the DAG, and one that is not there either is `ERR_ECT_PREDECESSOR_MISSING`, as any unknown
   * predecessor. An ancestor walk ends at a task it can find in neither.
   */
  readonly maxTracked?: number;
  /**
   * Called when a call run through {@link Monitor.guard} has ended, with its observation (outcome and latency filled
   * in), e.g. to sign it as an Observation. An error it throws is what the guard rejects with.
   */
  readonly onOutcome?: (outcome: GuardOutcome) => void;
  /**
   * Actions that ran before this monitor took effect, oldest first: its rate and budget windows count them at their
   * times, as if it had been in force, so that a profile replacing another grants no fresh allowance. Nothing else
   * reads them (no verdict, drift detector, task memory or DAG). A malformed one is `ERR_INPUT_INVALID`.
   */
  readonly past?: Iterable<PastAction>;
}

/** An action that ran before a monitor took effect, with what its rate and budget windows need of it. */
export interface PastAction {
  readonly exec_act: string;
  /** When it ran, in milliseconds since the epoch. */
  readonly time_ms: number;
  /** Its parameters: the budgets that name one count its value when numeric. */
  readonly params?: Readonly<Record<string, unknown>>;
}

const DEFAULT_MAX_TRACKED = 100_000;

/** What the monitor remembers of a task it counted. */
interface Task {
  readonly act: string;
  /** The task's predecessors when an ancestor rule may walk them; else empty. */
  readonly pred: readonly string[];
}

/**
 * The runtime monitor: judges each observation against a compiled profile, synchronously, keeping the streaming
 * state — sliding windows for rates and budgets, drift detectors, the ECT DAG for sequencing. Times never go
 * back: an observation earlier than the latest one is judged at the latest time (windows only get stricter).
 *
 * @example
 * ```ts
 * const monitor = new Monitor(compileProfile(rules), { clock });
 * const verdict = monitor.evaluate(observation);
 * if (verdict.decision !== 'allow') refuse(verdict.violations);
 * ```
 */
export class Monitor {
  private readonly profile: CompiledProfile;
  private readonly mode: 'enforce' | 'observe';
  private readonly clock: Clock;
  private readonly traversalLimit: number;
  /**
   * The window of each rate and budget rule, made when an observation first touches it (most agents touch few of a
   * large profile's rules, and an idle monitor none); the lists themselves are made on the first touch too.
   */
  private rates: (RateWindow | undefined)[] | undefined;
  private budgets: (BudgetWindow | undefined)[] | undefined;
  private readonly numeric: NumericDetector[];
  private readonly lastSeen: (number | undefined)[];
  private readonly mix: MixDivergence[];
  private latest = 0;
  /**
   * The latest `maxTracked` tasks this monitor counted, oldest forgotten first: predecessor checks and ancestor
   * walks read them without building DAG nodes, and the monitor's state stays bounded.
   */
  private readonly tasks: TaskMemory;
  /** The caller's DAG, or one made on first access to {@link Monitor.dag}; none until then. */
  #dag: EctDag | undefined;
  /** Whether counted tasks go into the DAG: only into one the caller gave. */
  private readonly extendsDag: boolean;
  /** Whether an ancestor rule may walk the predecessors of remembered tasks. */
  private readonly walksAncestors: boolean;
  /** Collects the violations of the action being judged; reused, since judging is synchronous. */
  private readonly found = new Violations();
  private readonly onOutcome: ((outcome: GuardOutcome) => void) | undefined;

  constructor(profile: CompiledProfile, options: MonitorOptions = {}) {
    this.profile = profile;
    this.mode = options.mode === undefined ? 'enforce' : options.mode;
    // Only 'enforce' reads the clock: a typo such as 'Enforce' must not hand the agent the time the windows use.
    if (this.mode !== 'enforce' && this.mode !== 'observe')
      throw snError('ERR_INPUT_INVALID', 'mode must be "enforce" or "observe"');
    this.clock = options.clock ?? systemClock;
    this.onOutcome = options.onOutcome;
    this.#dag = options.dag;
    this.extendsDag = options.dag !== undefined;
    this.walksAncestors = profile.rules.sequences.some((r) => r.relation === 'ancestor');
    this.traversalLimit = checkLimit(
      options.traversalLimit === undefined ? DAG_DEFAULTS.traversalLimit : options.traversalLimit,
      'traversalLimit',
    );
    this.tasks = new TaskMemory(
      checkLimit(options.maxTracked === undefined ? DEFAULT_MAX_TRACKED : options.maxTracked, 'maxTracked'),
    );
    const { rules } = profile;
    this.numeric = rules.drift.numeric.map((d) =>
      d.method === 'cusum'
        ? new Cusum({ mean: d.mean, sd: d.sd, k: d.k, h: d.h, minSamples: d.min_samples })
        : new PageHinkley({ mean: d.mean, sd: d.sd, delta: d.k, lambda: d.h, minSamples: d.min_samples }),
    );
    this.lastSeen = rules.drift.numeric.map(() => undefined);
    this.mix = rules.drift.mix.map((m) => new MixDivergence(m));
    for (const p of options.past ?? []) this.countPast(p);
  }

  /**
   * The ECT DAG the monitor reads: the one given as an option, else an empty one made on first access (no monitor
   * pays for a DAG it does not use). The monitor reads it for predecessors and ancestors it does not remember, and
   * inserts counted tasks only into a DAG it was given.
   */
  get dag(): EctDag {
    this.#dag ??= new EctDag();
    return this.#dag;
  }

  /**
   * Judges one observation (untrusted input: `ERR_BV_OBSERVATION_INVALID` when malformed) and, as the mode says,
   * records it. Predecessors must be known, remembered or in the DAG (`ERR_ECT_PREDECESSOR_MISSING`), as for any
   * ECT.
   */
  evaluate(input: ObservationInputIn): Verdict {
    const obs = readObservation(input);
    return this.judgeAndCount(obs, this.mode === 'enforce' ? readClock(this.clock) : obs.time_ms);
  }

  /**
   * Judges a tool call before it runs (enforce mode only, else `ERR_INPUT_INVALID`), at the clock's time, and runs
   * `fn` only when the verdict is `allow`: a blocked call is refused with `ERR_BV_ACTION_BLOCKED`, one held for
   * human approval with `ERR_BV_APPROVAL_REQUIRED`, both carrying the verdict (see `isActionRefused`), and `fn` is
   * not called. A call that runs is counted like an evaluated one; when it ends, its outcome (`success`, or
   * `failure` / `timeout` when `fn` throws, which the guard then rethrows) and its latency (two readings of the
   * clock) complete the observation, which steps the `latency_ms` drift rules and goes to `onOutcome`.
   *
   * @example
   * ```ts
   * const result = await monitor.guard(
   *   { name: call.tool, arguments: call.args, jti: call.id, wid, iss: agentId },
   *   (signal) => tools[call.tool](call.args, signal),
   * );
   * ```
   */
  async guard<T>(
    action: GuardAction,
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    options: GuardOptions = {},
  ): Promise<T> {
    if (this.mode !== 'enforce') throw snError('ERR_INPUT_INVALID', 'guard judges calls before they run: enforce mode');
    const signal = options.signal ?? new AbortController().signal;
    signal.throwIfAborted();
    const start = readClock(this.clock);
    const obs = readObservation(guardObservation(action, Math.floor(start)));
    const verdict = this.judgeAndCount(obs, start);
    if (verdict.decision !== 'allow') throw refusal(verdict);
    let value: T;
    try {
      value = await fn(signal);
    } catch (e) {
      this.settle(obs, verdict, start, failureOutcome(signal));
      throw e;
    }
    this.settle(obs, verdict, start, 'success');
    return value;
  }

  /**
   * Records an observation without judging it: for an action held for human approval (`escalate`) that was then
   * approved and ran.
   */
  record(input: ObservationInputIn): void {
    const obs = readObservation(input);
    const t = Math.max(this.latest, this.mode === 'enforce' ? readClock(this.clock) : obs.time_ms);
    this.commit(obs, t, this.profile.applicable(obs.exec_act));
  }

  /** Judges an observation read at time `now` and counts it as the mode says. */
  private judgeAndCount(obs: ObservationInput, now: number): Verdict {
    const t = Math.max(this.latest, now);
    // Indexed: for…of over the shared frozen empty list (most actions') allocates an iterator, over a plain one not.
    const { pred } = obs;
    for (let k = 0; k < pred.length; k++) {
      if (!this.knows(pred[k]!)) throw snError('ERR_ECT_PREDECESSOR_MISSING', pred[k]!);
    }
    const app = this.profile.applicable(obs.exec_act);
    const verdict = this.judge(obs, t, app);
    if (this.mode === 'observe' || verdict.decision === 'allow') this.commit(obs, t, app);
    return verdict;
  }

  /**
   * Completes the observation of a guarded call that ended: its outcome and latency, which steps the `latency_ms`
   * drift rules it could not step before the call ran.
   */
  private settle(obs: ObservationInput, verdict: Verdict, start: number, outcome: ObservationInput['outcome']): void {
    const latency = Math.max(0, readClock(this.clock) - start);
    const rules = this.profile.rules.drift.numeric;
    const out = this.found;
    out.start(obs.jti);
    for (const i of this.profile.applicable(obs.exec_act).numeric) {
      if (rules[i]!.source !== 'latency_ms') continue;
      const alarm = this.numeric[i]!.step(latency, true);
      if (alarm) out.addDrift(rules[i]!.id, alarm);
    }
    if (this.onOutcome === undefined) return;
    // A copy: the monitor may remember the predecessor list it read, which the listener must not be able to change.
    const observation = { ...obs, pred: [...obs.pred], outcome, latency_ms: latency };
    this.onOutcome({ observation, verdict, drift: out.collected() });
  }

  private judge(obs: ObservationInput, t: number, app: Applicable): Verdict {
    const rules = this.profile.rules;
    const out = this.found;
    out.start(obs.jti);
    if (app.deny >= 0) {
      const r = rules.actions.rules[app.deny]!;
      out.add(r.id, 'forbidden_action', obs.exec_act, { deny: r.pattern });
    } else if (!app.listed) {
      out.add(UNLISTED_RULE_ID, 'unlisted_action', obs.exec_act, { unlisted: 'deny' });
    }
    for (const p of app.params) {
      const v = obs.params[p.param];
      if (v === undefined) {
        if (p.required) out.add(p.id, 'parameter_not_allowed', null, p.allowed);
        continue;
      }
      const cls = p.check(v);
      if (cls) out.add(p.id, cls, v, p.allowed);
    }
    if (obs.scopes) for (const i of app.scopes) this.judgeScopes(obs.scopes, i, out);
    for (const i of app.sequences) {
      const r = rules.sequences[i]!;
      const found = this.hasBefore(obs.pred, i, r.relation);
      if (found !== (r.kind === 'requires')) {
        out.add(r.id, 'sequence_violation', { found }, { kind: r.kind, after: r.after, relation: r.relation });
      }
    }
    for (const i of app.rates) {
      const r = rules.rates[i]!;
      if (this.rates?.[i]?.wouldExceed(t))
        out.add(r.id, 'rate_exceeded', r.max + 1, { max: r.max, window_ms: r.window_ms });
    }
    for (const i of app.budgets) this.judgeBudget(obs, t, i, out);
    this.stepDrift(obs, t, app, false, out);
    return out.verdict(this.profile.escalation);
  }

  private judgeScopes(scopes: readonly string[], i: number, out: Violations): void {
    const matchers = this.profile.scopeMatchers[i]!;
    for (const scope of scopes) {
      let ok = false;
      for (let k = 0; k < matchers.length && !ok; k++) ok = matchers[k]!.test(scope);
      if (!ok)
        out.add(this.profile.rules.scopes[i]!.id, 'scope_violation', scope, this.profile.rules.scopes[i]!.allowed);
    }
  }

  private judgeBudget(obs: ObservationInput, t: number, i: number, out: Violations): void {
    const r = this.profile.rules.budgets[i]!;
    const raw = obs.params[r.param];
    if (raw === undefined) return;
    const value = budgetValue(raw);
    if (value === undefined) {
      out.add(r.id, 'parameter_not_allowed', raw, { numeric: true });
      return;
    }
    const window = this.budget(i);
    window.advance(t);
    const limit = this.profile.budgetLimits[i]!;
    if (window.exceedsWith(value, limit, this.profile.budgetLimitInts[i])) {
      const allowed: Record<string, JsonValue> = { max: formatDecimal(limit) };
      if (r.window_ms !== undefined) allowed.window_ms = r.window_ms;
      out.add(r.id, 'budget_exceeded', formatDecimal(window.sumWith(value)), allowed);
    }
  }

  /** Steps the drift detectors of the action: a trial run (`commit` false, reporting into `out`) or for real. */
  private stepDrift(obs: ObservationInput, t: number, app: Applicable, commit: boolean, out?: Violations): void {
    const rules = this.profile.rules;
    for (const i of app.numeric) {
      const x = this.driftValue(obs, t, i);
      if (commit && rules.drift.numeric[i]!.source === 'interval_ms') this.lastSeen[i] = t;
      if (x === undefined) continue;
      const alarm = this.numeric[i]!.step(x, commit);
      if (alarm && out) out.addDrift(rules.drift.numeric[i]!.id, alarm);
    }
    for (let i = 0; i < this.mix.length; i++) {
      const alarm = this.mix[i]!.stepCategory(app.mix[i]!, commit);
      if (alarm && out) out.addDrift(rules.drift.mix[i]!.id, alarm);
    }
  }

  private driftValue(obs: ObservationInput, t: number, i: number): number | undefined {
    const d = this.profile.rules.drift.numeric[i]!;
    if (d.source === 'latency_ms') return obs.latency_ms;
    if (d.source === 'interval_ms') {
      const last = this.lastSeen[i];
      return last === undefined ? undefined : t - last;
    }
    const raw = obs.params[d.param!];
    if (raw === undefined || typeof raw === 'boolean') return undefined;
    // Numbers were checked finite on reading. Text is numeric only as a decimal string (spec: Numbers); `Number`
    // alone would read "" as 0 and "0x1f" as 31.
    if (typeof raw === 'number') return raw;
    if (parseDecimal(raw) === undefined) return undefined;
    const x = Number(raw);
    // A decimal past the double range (`"1e400"`) is as far out as a value gets, not a value to skip.
    return Number.isFinite(x) ? x : Math.sign(x) * Number.MAX_VALUE;
  }

  /** Whether the task is remembered or in the DAG. */
  private knows(jti: string): boolean {
    return this.tasks.has(jti) || this.#dag?.has(jti) === true;
  }

  /** The action and predecessors of a task, from memory or the DAG; undefined when it is in neither. */
  private lookup(jti: string): Task | undefined {
    const slot = this.tasks.slotOf(jti);
    if (slot >= 0) return { act: this.tasks.actAt(slot), pred: this.tasks.predAt(slot) };
    const node = this.#dag?.get(jti);
    return node && { act: node.exec_act, pred: node.pred };
  }

  /** The action of a task known to be remembered or in the DAG. */
  private actOf(jti: string): string {
    const slot = this.tasks.slotOf(jti);
    return slot >= 0 ? this.tasks.actAt(slot) : this.#dag!.get(jti)!.exec_act;
  }

  /**
   * Whether a predecessor (direct) or ancestor of the action matches sequence rule `i`'s `after` pattern. Ancestors
   * are walked breadth-first over remembered tasks and the DAG, each at most once, at most `traversalLimit` of them.
   */
  private hasBefore(pred: readonly string[], i: number, relation: 'predecessor' | 'ancestor'): boolean {
    const matcher = this.profile.sequenceMatchers[i]!;
    if (relation === 'predecessor') {
      for (const p of pred) if (matcher.test(this.actOf(p))) return true;
      return false;
    }
    const seen = new Set(pred);
    const queue = [...seen];
    for (let k = 0; k < queue.length; k++) {
      if (k >= this.traversalLimit) throw snError('ERR_ECT_TRAVERSAL_LIMIT', `over ${this.traversalLimit} ancestors`);
      const task = this.lookup(queue[k]!);
      if (task === undefined) continue;
      if (matcher.test(task.act)) return true;
      for (const p of task.pred) {
        if (seen.has(p)) continue;
        seen.add(p);
        queue.push(p);
      }
    }
    return false;
  }

  /** The window of rate rule `i`, made on first use. */
  private rate(i: number): RateWindow {
    const rules = this.profile.rules.rates;
    this.rates ??= new Array(rules.length);
    let w = this.rates[i];
    if (w === undefined) {
      w = new RateWindow(rules[i]!.max, rules[i]!.window_ms);
      this.rates[i] = w;
    }
    return w;
  }

  /** The window of budget rule `i`, made on first use. */
  private budget(i: number): BudgetWindow {
    const rules = this.profile.rules.budgets;
    this.budgets ??= new Array(rules.length);
    let w = this.budgets[i];
    if (w === undefined) {
      w = new BudgetWindow(rules[i]!.window_ms);
      this.budgets[i] = w;
    }
    return w;
  }

  /** Counts an action that ran before the monitor took effect in the windows it falls in (times never go back). */
  private countPast(p: PastAction): void {
    if (typeof p?.exec_act !== 'string' || p.exec_act.length === 0 || !Number.isFinite(p.time_ms) || p.time_ms < 0) {
      throw snError('ERR_INPUT_INVALID', 'a past action needs an exec_act and a time_ms ≥ 0');
    }
    const t = Math.max(this.latest, p.time_ms);
    this.latest = t;
    this.countInWindows(p.params ?? {}, t, this.profile.applicable(p.exec_act));
  }

  /** Adds an action at `t` to the rate and budget windows of the rules that apply to it. */
  private countInWindows(params: Readonly<Record<string, unknown>>, t: number, app: Applicable): void {
    for (const i of app.rates) this.rate(i).add(t);
    for (const i of app.budgets) {
      const raw = params[this.profile.rules.budgets[i]!.param];
      const value = raw === undefined ? undefined : budgetValue(raw);
      if (value !== undefined) this.budget(i).add(t, value);
    }
  }

  private commit(obs: ObservationInput, t: number, app: Applicable): void {
    if (!this.knows(obs.jti)) {
      // Only a DAG the caller gave is extended (its size is theirs to bound); the monitor's own memory is bounded.
      if (this.extendsDag) {
        this.#dag!.insert({
          jti: obs.jti,
          wid: obs.wid,
          iat: Math.floor(obs.time_ms / 1000),
          iss: obs.iss,
          exec_act: obs.exec_act,
          pred: obs.pred,
        });
      }
      this.tasks.add(obs.jti, obs.exec_act, this.walksAncestors ? obs.pred : NO_TEXTS);
    }
    this.latest = t;
    this.countInWindows(obs.params, t, app);
    this.stepDrift(obs, t, app, true);
  }
}

const NO_VIOLATIONS: readonly Violation[] = Object.freeze([]);
const NO_RESPONSES: readonly Response[] = Object.freeze([]);

/** The violations of one action, collected in order; most actions have none, so nothing is allocated then. */
class Violations {
  private jti = '';
  private list: Violation[] | undefined;

  /** Starts collecting for the action `jti`. */
  start(jti: string): void {
    this.jti = jti;
    this.list = undefined;
  }

  add(rule: string, cls: ViolationClass, observed: JsonValue, allowed: JsonValue): void {
    if (!this.list) this.list = [];
    this.list.push({ rule, class: cls, jti: this.jti, observed, allowed });
  }

  addDrift(rule: string, alarm: DriftAlarm): void {
    this.add(
      rule,
      'drift',
      { statistic: alarm.statistic, value: alarm.value, samples: alarm.samples },
      { threshold: alarm.threshold },
    );
  }

  /** The violations collected, or none. */
  collected(): readonly Violation[] {
    return this.list ?? NO_VIOLATIONS;
  }

  verdict(escalation: Readonly<Record<ViolationClass, readonly Response[]>>): Verdict {
    if (!this.list) return { jti: this.jti, decision: 'allow', violations: NO_VIOLATIONS, responses: NO_RESPONSES };
    const responses = new Set<Response>();
    for (const v of this.list) for (const r of escalation[v.class]) responses.add(r);
    return { jti: this.jti, ...decide(responses), violations: this.list };
  }
}

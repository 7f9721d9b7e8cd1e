import { type Clock, EctDag, snError, systemClock } from '@safety-net/core';
import { addDecimal, compareDecimal, formatDecimal, parseDecimal } from '../rules/decimal.js';
import { UNLISTED_RULE_ID } from '../rules/parse.js';
import type { Response, ViolationClass } from '../rules/schema.js';
import type { NumericDetector } from '../drift/alarm.js';
import { Cusum } from '../drift/cusum.js';
import { MixDivergence } from '../drift/divergence.js';
import { PageHinkley } from '../drift/page-hinkley.js';
import type { Applicable, CompiledProfile } from './compile.js';
import { type ObservationInput, parseObservation } from './observation-input.js';
import { decide, type JsonValue, type Verdict, type Violation } from './verdict.js';
import { BudgetWindow, RateWindow } from './windows.js';

/** How a monitor is used. */
export interface MonitorOptions {
  /**
   * `enforce` (default): judge an action before it runs, at the clock's time; only an allowed action enters the
   * windows and the DAG. `observe`: judge what already happened, at the observation's `time_ms`; every action enters.
   */
  readonly mode?: 'enforce' | 'observe';
  /** The clock of enforce mode. Default: the system clock. */
  readonly clock?: Clock;
  /** The ECT DAG sequencing rules look up; nodes already present are not inserted again. Default: a new one. */
  readonly dag?: EctDag;
  /** Most nodes an ancestor lookup may visit (`ERR_ECT_TRAVERSAL_LIMIT` beyond). Default 10,000. */
  readonly traversalLimit?: number;
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
  /** The ECT DAG the monitor reads and extends. */
  readonly dag: EctDag;
  private readonly profile: CompiledProfile;
  private readonly mode: 'enforce' | 'observe';
  private readonly clock: Clock;
  private readonly traversalLimit: number;
  private readonly rates: RateWindow[];
  private readonly budgets: BudgetWindow[];
  private readonly numeric: NumericDetector[];
  private readonly lastSeen: (number | undefined)[];
  private readonly mix: MixDivergence[];
  private latest = 0;

  constructor(profile: CompiledProfile, options: MonitorOptions = {}) {
    this.profile = profile;
    this.mode = options.mode ?? 'enforce';
    this.clock = options.clock ?? systemClock;
    this.dag = options.dag ?? new EctDag();
    this.traversalLimit = options.traversalLimit ?? 10_000;
    const { rules } = profile;
    this.rates = rules.rates.map((r) => new RateWindow(r.max, r.window_ms));
    this.budgets = rules.budgets.map((r) => new BudgetWindow(r.window_ms));
    this.numeric = rules.drift.numeric.map((d) =>
      d.method === 'cusum'
        ? new Cusum({ mean: d.mean, sd: d.sd, k: d.k, h: d.h, minSamples: d.min_samples })
        : new PageHinkley({ mean: d.mean, sd: d.sd, delta: d.k, lambda: d.h, minSamples: d.min_samples }),
    );
    this.lastSeen = rules.drift.numeric.map(() => undefined);
    this.mix = rules.drift.mix.map((m) => new MixDivergence(m));
  }

  /**
   * Judges one observation (untrusted input: `ERR_BV_OBSERVATION_INVALID` when malformed) and, as the mode says,
   * records it. Predecessors must be in the DAG (`ERR_ECT_PREDECESSOR_MISSING`), as for any ECT.
   */
  evaluate(input: unknown): Verdict {
    const obs = parseObservation(input);
    const t = Math.max(this.latest, this.mode === 'enforce' ? this.clock.now() : obs.time_ms);
    for (const p of obs.pred) if (!this.dag.has(p)) throw snError('ERR_ECT_PREDECESSOR_MISSING', p);
    const verdict = this.judge(obs, t);
    if (this.mode === 'observe' || verdict.decision === 'allow') this.commit(obs, t);
    return verdict;
  }

  /**
   * Records an observation without judging it: for an action held for human approval (`escalate`) that was then
   * approved and ran.
   */
  record(input: unknown): void {
    const obs = parseObservation(input);
    this.commit(obs, Math.max(this.latest, this.mode === 'enforce' ? this.clock.now() : obs.time_ms));
  }

  private judge(obs: ObservationInput, t: number): Verdict {
    const rules = this.profile.rules;
    const app = this.profile.applicable(obs.exec_act);
    const out: Violation[] = [];
    const add = (rule: string, cls: ViolationClass, observed: JsonValue, allowed: JsonValue) =>
      out.push({ rule, class: cls, jti: obs.jti, observed, allowed });
    if (app.deny >= 0) {
      const r = rules.actions.rules[app.deny]!;
      add(r.id, 'forbidden_action', obs.exec_act, { deny: r.pattern });
    } else if (!app.listed) {
      add(UNLISTED_RULE_ID, 'unlisted_action', obs.exec_act, { unlisted: 'deny' });
    }
    for (const p of app.params) {
      const v = obs.params[p.param];
      if (v === undefined) {
        if (p.required) add(p.id, 'parameter_not_allowed', null, p.allowed);
        continue;
      }
      const cls = p.check(v);
      if (cls) add(p.id, cls, v, p.allowed);
    }
    for (const i of app.scopes) {
      const matchers = this.profile.scopeMatchers[i]!;
      for (const scope of obs.scopes ?? []) {
        if (!matchers.some((m) => m.test(scope))) add(rules.scopes[i]!.id, 'scope_violation', scope, rules.scopes[i]!.allowed);
      }
    }
    for (const i of app.sequences) {
      const r = rules.sequences[i]!;
      const found = this.hasBefore(obs.pred, i, r.relation);
      if (found !== (r.kind === 'requires')) {
        add(r.id, 'sequence_violation', { found }, { kind: r.kind, after: r.after, relation: r.relation });
      }
    }
    for (const i of app.rates) {
      const r = rules.rates[i]!;
      if (this.rates[i]!.wouldExceed(t)) add(r.id, 'rate_exceeded', r.max + 1, { max: r.max, window_ms: r.window_ms });
    }
    this.judgeBudgets(obs, t, app, add);
    this.judgeDrift(obs, t, app, false, add);
    const responses = new Set<Response>();
    for (const v of out) for (const r of this.profile.escalation[v.class]) responses.add(r);
    return { jti: obs.jti, ...decide(responses), violations: out };
  }

  private judgeBudgets(
    obs: ObservationInput,
    t: number,
    app: Applicable,
    add: (rule: string, cls: ViolationClass, observed: JsonValue, allowed: JsonValue) => void,
  ): void {
    const rules = this.profile.rules;
    for (const i of app.budgets) {
      const r = rules.budgets[i]!;
      const raw = obs.params[r.param];
      if (raw === undefined) continue;
      const value = typeof raw === 'boolean' ? undefined : parseDecimal(raw);
      if (value === undefined) {
        add(r.id, 'parameter_not_allowed', raw, { numeric: true });
        continue;
      }
      const sum = addDecimal(this.budgets[i]!.sumAt(t), value);
      if (compareDecimal(sum, this.profile.budgetLimits[i]!) > 0) {
        const allowed: Record<string, JsonValue> = { max: formatDecimal(this.profile.budgetLimits[i]!) };
        if (r.window_ms !== undefined) allowed.window_ms = r.window_ms;
        add(r.id, 'budget_exceeded', formatDecimal(sum), allowed);
      }
    }
  }

  private judgeDrift(
    obs: ObservationInput,
    t: number,
    app: Applicable,
    commit: boolean,
    add?: (rule: string, cls: ViolationClass, observed: JsonValue, allowed: JsonValue) => void,
  ): void {
    const rules = this.profile.rules;
    for (const i of app.numeric) {
      const d = rules.drift.numeric[i]!;
      const x = this.driftValue(obs, t, i);
      if (commit && d.source === 'interval_ms') this.lastSeen[i] = t;
      if (x === undefined) continue;
      const alarm = this.numeric[i]!.step(x, commit);
      if (alarm && add) {
        add(d.id, 'drift', { statistic: alarm.statistic, value: alarm.value, samples: alarm.samples }, { threshold: alarm.threshold });
      }
    }
    rules.drift.mix.forEach((m, i) => {
      const alarm = this.mix[i]!.step(obs.exec_act, commit);
      if (alarm && add) {
        add(m.id, 'drift', { statistic: alarm.statistic, value: alarm.value, samples: alarm.samples }, { threshold: alarm.threshold });
      }
    });
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
    const x = Number(raw);
    return Number.isFinite(x) ? x : undefined;
  }

  /** Whether a predecessor (direct) or ancestor of the action matches sequence rule `i`'s `after` pattern. */
  private hasBefore(pred: readonly string[], i: number, relation: 'predecessor' | 'ancestor'): boolean {
    const matcher = this.profile.sequenceMatchers[i]!;
    if (relation === 'predecessor') return pred.some((p) => matcher.test(this.dag.get(p)!.exec_act));
    let found = false;
    let visited = 0;
    for (const p of pred) {
      this.dag.walkBack(
        p,
        (node) => {
          if (++visited > this.traversalLimit) throw snError('ERR_ECT_TRAVERSAL_LIMIT', `over ${this.traversalLimit} ancestors`);
          if (!matcher.test(node.exec_act)) return 'continue';
          found = true;
          return 'stop';
        },
        { includeSelf: true },
      );
      if (found) return true;
    }
    return false;
  }

  private commit(obs: ObservationInput, t: number): void {
    if (!this.dag.has(obs.jti)) {
      this.dag.insert({ jti: obs.jti, wid: obs.wid, iat: Math.floor(obs.time_ms / 1000), iss: obs.iss, exec_act: obs.exec_act, pred: obs.pred });
    }
    this.latest = t;
    const app = this.profile.applicable(obs.exec_act);
    for (const i of app.rates) this.rates[i]!.add(t);
    for (const i of app.budgets) {
      const raw = obs.params[this.profile.rules.budgets[i]!.param];
      const value = raw === undefined || typeof raw === 'boolean' ? undefined : parseDecimal(raw);
      if (value !== undefined) this.budgets[i]!.add(t, value);
    }
    this.judgeDrift(obs, t, app, true);
  }
}

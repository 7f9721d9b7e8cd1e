import { type EctDag, snError } from '@safety-net/core';
import { BoundedMap } from '@safety-net/core/internal';
import { type BaselineSnapshot, BaselineTable, type EwmaBaseline } from './baseline.js';
import { type Cascade, findCascades } from './cascades.js';
import { type ContainmentOptions, type ContainmentRecommendation, recommendContainment } from './containment.js';
import { type CascadeOptions, type ResolvedCascadeOptions, resolveCascadeOptions } from './options.js';
import { type OutcomeRecord, readOutcome } from './outcome.js';

/** Why a task was judged anomalous. */
export type AnomalyReason = 'failure' | 'timeout' | 'latency';

/** The detector's verdict on one record (`cascade-prevention.md` §5.3). */
export interface Judgement {
  readonly jti: string;
  readonly anomalous: boolean;
  /** Present when anomalous. */
  readonly reason?: AnomalyReason;
  /** The latency z-score, when a warm baseline judged it (successful tasks only). */
  readonly score?: number;
  /** Which baseline gave the score. */
  readonly baseline?: 'action' | 'agent';
}

interface Anomaly {
  readonly at: number;
  readonly reason: AnomalyReason;
}

/**
 * Streaming cascade detection over an ECT DAG (`cascade-prevention.md` §5): outcome records update latency and
 * error-rate baselines per agent and per `exec_act`; failed, timed-out and abnormally slow tasks are anomalous;
 * connected anomalous tasks form cascades, each with its probable root cause. Memory is bounded by the anomalies
 * and baselines kept; time comes only from the records' `at`.
 *
 * @example
 * ```ts
 * const detector = new CascadeDetector(dag);
 * detector.observe({ jti: 'inventory-7', outcome: 'failure', latencyMs: 5, at: Date.now() });
 * for (const cascade of detector.cascades()) console.log(cascade.rootCause.explanation);
 * ```
 */
export class CascadeDetector<P = unknown> {
  /** The settings in force, defaults filled in. */
  readonly options: ResolvedCascadeOptions;
  private readonly agents: BaselineTable;
  private readonly actions: BaselineTable;
  private readonly anomalies: BoundedMap<string, Anomaly>;
  private latest = 0;

  constructor(
    private readonly dag: EctDag<P>,
    options?: CascadeOptions,
  ) {
    this.options = resolveCascadeOptions(options);
    this.agents = new BaselineTable(this.options.alpha, this.options.maxBaselines);
    this.actions = new BaselineTable(this.options.alpha, this.options.maxBaselines);
    this.anomalies = new BoundedMap(this.options.maxAnomalies);
  }

  /**
   * Judges one task's outcome, then takes it into the baselines. A malformed record is `ERR_INPUT_INVALID`, a task
   * the DAG does not hold `ERR_ECT_NODE_NOT_FOUND`; either changes nothing.
   */
  observe(record: OutcomeRecord): Judgement {
    const r = readOutcome(record);
    const node = this.dag.get(r.jti);
    if (node === undefined) throw snError('ERR_ECT_NODE_NOT_FOUND', r.jti);
    const action = this.actions.touch(node.exec_act);
    const agent = this.agents.touch(node.iss);
    const failed = r.outcome !== 'success';
    const { warmup, zThreshold, sdFloorMs } = this.options;
    const baseline: Judgement['baseline'] =
      action.samples >= warmup ? 'action' : agent.samples >= warmup ? 'agent' : undefined;
    const judge: EwmaBaseline | undefined = baseline === 'action' ? action : baseline === 'agent' ? agent : undefined;
    const score = failed || judge === undefined ? undefined : judge.score(r.latencyMs, sdFloorMs);
    const slow = score !== undefined && score > zThreshold;
    action.addOutcome(failed);
    agent.addOutcome(failed);
    if (!failed && !slow) {
      action.addLatency(r.latencyMs);
      agent.addLatency(r.latencyMs);
    }
    const reason: AnomalyReason | undefined = failed
      ? (r.outcome as 'failure' | 'timeout')
      : slow
        ? 'latency'
        : undefined;
    this.remember(r.jti, r.at, reason);
    return {
      jti: r.jti,
      anomalous: reason !== undefined,
      ...(reason === undefined ? {} : { reason }),
      ...(score === undefined ? {} : { score, baseline }),
    };
  }

  /** The tasks currently anomalous (within the horizon), oldest observation first. */
  anomalous(): string[] {
    const cutoff = this.latest - this.options.horizonMs;
    const out: string[] = [];
    for (const [jti, a] of this.anomalies) if (a.at >= cutoff) out.push(jti);
    return out;
  }

  /** Why a task is currently anomalous, or undefined. */
  reasonOf(jti: string): AnomalyReason | undefined {
    const a = this.anomalies.get(jti);
    return a !== undefined && a.at >= this.latest - this.options.horizonMs ? a.reason : undefined;
  }

  /** The cascades among the current anomalies, over the DAG as it is now (§5.4). */
  cascades(): Cascade[] {
    return findCascades(this.dag, this.anomalous(), this.options.minCascadeSize);
  }

  /** The containment recommendation for a cascade: around its root cause, with its members as the anomalies. */
  containment(cascade: Cascade, options: BlastRadiusBounds<P> = {}): ContainmentRecommendation {
    return recommendContainment(this.dag, cascade.rootCause.jti, { ...options, anomalous: cascade.nodes });
  }

  /** A copy of the baseline of an agent (`iss`) or an action (`exec_act`), if one is kept. */
  baseline(family: 'agent' | 'action', key: string): BaselineSnapshot | undefined {
    return (family === 'agent' ? this.agents : this.actions).peek(key)?.snapshot();
  }

  private remember(jti: string, at: number, reason: AnomalyReason | undefined): void {
    const { anomalies } = this;
    if (at > this.latest) this.latest = at;
    if (reason === undefined) anomalies.delete(jti);
    else anomalies.set(jti, { at, reason });
    // Forget from the oldest end what has left the horizon; records out of order are filtered on read.
    const cutoff = this.latest - this.options.horizonMs;
    anomalies.deleteOldestWhile((a) => a.at < cutoff);
  }
}

/** The bounds and domain mapping of a containment, without the anomalies (the cascade gives those). */
export type BlastRadiusBounds<P> = Omit<ContainmentOptions<P>, 'anomalous'>;

import type { EctDag } from '@safety-net/core';
import { cpError } from '../errors.js';
import { compareCodeUnits } from '../util/compare.js';
import { type BlastRadius, type BlastRadiusOptions, summariseRegion, walkRegion } from './blast-radius.js';

/** One breaker to open: `dependent` stops calling `dependency`. */
export interface BreakerToOpen {
  readonly dependent: string;
  readonly dependency: string;
  /** DAG edges from the dependency's tasks to the dependent's tasks that led to this pair. */
  readonly edges: number;
}

/** What to contain around a faulty task (`cascade-prevention.md` §5.6), as plain data. */
export interface ContainmentRecommendation {
  readonly source: string;
  /** The source's agent and the agents of the anomalous tasks in its blast radius, in code-unit order. */
  readonly failingAgents: readonly string[];
  /** By dependent, then dependency. */
  readonly openBreakers: readonly BreakerToOpen[];
  /** The source's failure domain and those the anomaly reached, in code-unit order. */
  readonly isolateDomains: readonly string[];
  readonly blastRadius: BlastRadius;
}

/** Options of {@link recommendContainment}: the blast-radius bounds plus the tasks known to be anomalous. */
export interface ContainmentOptions<P = unknown> extends BlastRadiusOptions<P> {
  /** Tasks known to be anomalous (e.g. a cascade's members). Default: none besides the source. */
  readonly anomalous?: Iterable<string>;
}

/**
 * Which breakers to open and which failure domains to isolate around `source`: every dependent agent opens its
 * breaker for each failing agent it consumed from inside the blast radius; the source's domain and every domain
 * the anomaly reached are isolated. Errors are those of {@link blastRadius}.
 *
 * @example
 * ```ts
 * const [cascade] = detector.cascades();
 * const plan = recommendContainment(dag, cascade.rootCause.jti, { anomalous: cascade.nodes, limit: 100_000 });
 * plan.openBreakers; // [{ dependent: 'shipping', dependency: 'inventory', edges: 12 }, …]
 * ```
 */
export function recommendContainment<P>(
  dag: EctDag<P>,
  source: string,
  options: ContainmentOptions<P> = {},
): ContainmentRecommendation {
  const region = walkRegion(dag, source, options);
  const anomalous = taskSet(options.anomalous);
  const agentOf = new Map<string, string>([[region.source.jti, region.source.iss]]);
  const failing = new Set<string>([region.source.iss]);
  const domains = new Set<string>([region.sourceDomain]);
  for (let i = 0; i < region.nodes.length; i++) {
    const node = region.nodes[i]!;
    agentOf.set(node.jti, node.iss);
    if (anomalous.has(node.jti)) {
      failing.add(node.iss);
      domains.add(region.domains[i]!);
    }
  }
  const pairs = new Map<string, Map<string, number>>();
  for (const node of region.nodes) {
    for (const p of node.pred) {
      const dependency = agentOf.get(p);
      if (dependency === undefined || dependency === node.iss || !failing.has(dependency)) continue;
      let row = pairs.get(node.iss);
      if (row === undefined) {
        row = new Map();
        pairs.set(node.iss, row);
      }
      row.set(dependency, (row.get(dependency) ?? 0) + 1);
    }
  }
  const openBreakers: BreakerToOpen[] = [];
  for (const dependent of [...pairs.keys()].sort(compareCodeUnits)) {
    const row = pairs.get(dependent)!;
    for (const dependency of [...row.keys()].sort(compareCodeUnits)) {
      openBreakers.push({ dependent, dependency, edges: row.get(dependency)! });
    }
  }
  return {
    source,
    failingAgents: [...failing].sort(compareCodeUnits),
    openBreakers,
    isolateDomains: [...domains].sort(compareCodeUnits),
    blastRadius: summariseRegion(region),
  };
}

/** The anomalous task ids as a set; anything but an iterable of strings is `ERR_CP_CONFIG_INVALID`. */
function taskSet(items: Iterable<string> | undefined): Set<string> {
  const out = new Set<string>();
  if (items === undefined) return out;
  try {
    for (const jti of items) {
      if (typeof jti !== 'string') throw new TypeError('not a task id');
      out.add(jti);
    }
  } catch (e) {
    throw cpError('ERR_CP_CONFIG_INVALID', 'anomalous must be an iterable of task ids', { cause: e });
  }
  return out;
}

import { type DagNode, type EctDag, isSafetyNetError } from '@safety-net/core';
import { INPUT_OPTIONS } from '@safety-net/core/internal';
import { cpError } from '../errors.js';
import { compareCodeUnits } from '../util/compare.js';

/** Maps a task to the failure domain it belongs to (1–256 characters). */
export type DomainOf<P = unknown> = (node: DagNode<P>) => string;

/** Bounds of a blast-radius walk and the failure-domain mapping. */
export interface BlastRadiusOptions<P = unknown> {
  /** Refuse with `ERR_ECT_TRAVERSAL_LIMIT` once more than this many descendants are reached. Default: none. */
  readonly limit?: number;
  /** Do not go further than this many edges from the source. Default: none. */
  readonly maxDepth?: number;
  /** Failure domain of a task. Default: its agent (`iss`). */
  readonly domainOf?: DomainOf<P>;
}

/** Tasks of a blast radius that share an agent or a failure domain. */
export interface BlastGroup {
  readonly key: string;
  readonly count: number;
  /** In walk order (nearest first). */
  readonly nodes: readonly string[];
}

/** Everything downstream of one task (`cascade-prevention.md` §5.5). */
export interface BlastRadius {
  readonly source: string;
  readonly count: number;
  /** The descendants, nearest first (the DAG's deterministic breadth-first order). */
  readonly nodes: readonly string[];
  /** By agent, in code-unit order of the agent. */
  readonly byAgent: readonly BlastGroup[];
  /** By failure domain, in code-unit order of the domain. */
  readonly byDomain: readonly BlastGroup[];
}

/**
 * The blast radius of `source`: its descendants, counted and listed by agent and by failure domain. Unknown
 * `source` is `ERR_ECT_NODE_NOT_FOUND`; bad bounds are `ERR_INPUT_INVALID`, a reached limit
 * `ERR_ECT_TRAVERSAL_LIMIT`; a `domainOf` that throws or returns anything but a name is `ERR_CP_CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * const radius = blastRadius(dag, 'inventory-1', { limit: 100_000 });
 * radius.byAgent.map((g) => `${g.key}: ${g.count}`);
 * ```
 */
export function blastRadius<P>(dag: EctDag<P>, source: string, options: BlastRadiusOptions<P> = {}): BlastRadius {
  return summariseRegion(walkRegion(dag, source, options));
}

/** The source and its descendants as the DAG gives them, with each descendant's failure domain. */
export interface Region<P> {
  readonly source: DagNode<P>;
  readonly sourceDomain: string;
  /** Descendants, in walk order. */
  readonly nodes: readonly DagNode<P>[];
  /** `domains[i]` is the failure domain of `nodes[i]`. */
  readonly domains: readonly string[];
}

/** One walk from `source` (included) collecting nodes and domains; shared by blast radius and containment. */
export function walkRegion<P>(dag: EctDag<P>, source: string, options: BlastRadiusOptions<P>): Region<P> {
  if (typeof options !== 'object' || options === null)
    throw cpError('ERR_CP_CONFIG_INVALID', 'options must be an object');
  const { limit, maxDepth, domainOf } = options;
  if (domainOf !== undefined && typeof domainOf !== 'function') {
    throw cpError('ERR_CP_CONFIG_INVALID', 'domainOf must be a function');
  }
  const domain = domainOf === undefined ? (node: DagNode<P>) => node.iss : checkedDomain(domainOf);
  const nodes: DagNode<P>[] = [];
  const domains: string[] = [];
  let first: DagNode<P> | undefined;
  if (limit !== undefined) INPUT_OPTIONS.int(limit, 'limit', 0, Number.MAX_SAFE_INTEGER);
  // The source is walked too (includeSelf), so that the limit counts descendants only, one more is allowed.
  const bound = limit === undefined ? undefined : limit + 1;
  dag.walkForward(
    source,
    (node) => {
      if (first === undefined) {
        first = node;
        return;
      }
      nodes.push(node);
      domains.push(domain(node));
    },
    { includeSelf: true, limit: bound, maxDepth },
  );
  const src = first!;
  return { source: src, sourceDomain: domain(src), nodes, domains };
}

/** Groups a region's descendants by agent and by domain. */
export function summariseRegion<P>({ source: { jti: source }, nodes, domains }: Region<P>): BlastRadius {
  const ids: string[] = new Array(nodes.length);
  const agents = new Map<string, string[]>();
  const byDomain = new Map<string, string[]>();
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    ids[i] = node.jti;
    push(agents, node.iss, node.jti);
    push(byDomain, domains[i]!, node.jti);
  }
  return { source, count: ids.length, nodes: ids, byAgent: groups(agents), byDomain: groups(byDomain) };
}

function push(map: Map<string, string[]>, key: string, jti: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [jti]);
  else list.push(jti);
}

function groups(map: Map<string, string[]>): BlastGroup[] {
  return [...map.keys()].sort(compareCodeUnits).map((key) => {
    const nodes = map.get(key)!;
    return { key, count: nodes.length, nodes };
  });
}

function checkedDomain<P>(domainOf: DomainOf<P>): DomainOf<P> {
  return (node) => {
    let d: unknown;
    try {
      d = domainOf(node);
    } catch (e) {
      if (isSafetyNetError(e)) throw e;
      throw cpError('ERR_CP_CONFIG_INVALID', `domainOf failed for ${node.jti}`, { cause: e });
    }
    if (typeof d !== 'string' || d.length === 0 || d.length > 256) {
      throw cpError('ERR_CP_CONFIG_INVALID', `domainOf gave no domain name for ${node.jti}`);
    }
    return d;
  };
}

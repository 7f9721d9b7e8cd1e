import { type EctDag, snError } from '@safety-net/core';
import { compareCodeUnits } from '../util/compare.js';

/** The probable root cause of a cascade and why (`cascade-prevention.md` §5.4). */
export interface RootCause {
  readonly jti: string;
  /** The task's agent (`iss`). */
  readonly agent: string;
  readonly iat: number;
  /** Members of the cascade it reaches through anomalous tasks (itself excluded). */
  readonly explained: number;
  /** Distinct agents among the members it explains. */
  readonly explainedAgents: number;
  /** Members with no anomalous predecessor in the cascade: the root causes that were possible. */
  readonly candidates: number;
  /**
   * Candidates weighed, in topological order: all of them unless the search reached its work limit
   * ({@link ROOT_CAUSE_WORK_FACTOR}), in which case the root cause is the best of those weighed.
   */
  readonly weighed: number;
  /** Share of the cascade it accounts for, (explained + 1) / size, in (0, 1]. */
  readonly confidence: number;
  /** The same in words, for logs and operators. */
  readonly explanation: string;
}

/** A connected set of anomalous tasks (`cascade-prevention.md` §5.4). */
export interface Cascade {
  /** Members, in topological (insertion) order. */
  readonly nodes: readonly string[];
  /** Agents of the members, in code-unit order. */
  readonly agents: readonly string[];
  readonly rootCause: RootCause;
}

/**
 * Work the root-cause search of one cascade may do, as a multiple of its cascade graph's size (members + edges);
 * a walk counts one and each edge it follows one. Weighing every candidate takes a walk each, quadratic at worst,
 * and no exact method is known that avoids this; past the limit the remaining candidates are not weighed. A walk
 * costs at most the graph's size, so a cascade with up to this many candidates is always weighed in full.
 */
export const ROOT_CAUSE_WORK_FACTOR = 64;

/**
 * The cascades among `anomalous` tasks: connected along DAG edges, at least `minSize` members, each with its
 * probable root cause; largest first, then by root cause `iat` and `jti`. Unknown tasks are
 * `ERR_ECT_NODE_NOT_FOUND`. Cost: one DAG lookup per task, plus walks of the cascade graph bounded by
 * {@link ROOT_CAUSE_WORK_FACTOR}: linear in the anomalies and the edges between them.
 *
 * @example
 * ```ts
 * const [cascade] = findCascades(dag, ['a', 'b', 'c'], 3);
 * cascade?.rootCause.jti; // 'a' when a → b → c
 * ```
 */
export function findCascades<P>(dag: EctDag<P>, anomalous: Iterable<string>, minSize: number): Cascade[] {
  const g = cascadeGraph(dag, anomalous);
  const n = g.ids.length;
  const component = new Int32Array(n).fill(-1);
  const walker = new Walker(g.succs);
  const cascades: Cascade[] = [];
  let components = 0;
  for (let s = 0; s < n; s++) {
    if (component[s] !== -1) continue;
    const c = components++;
    const members: number[] = [s];
    component[s] = c;
    let edges = 0;
    for (let head = 0; head < members.length; head++) {
      const v = members[head]!;
      edges += g.succs[v]!.length;
      for (const list of [g.preds[v]!, g.succs[v]!]) {
        for (const w of list) {
          if (component[w] !== -1) continue;
          component[w] = c;
          members.push(w);
        }
      }
    }
    if (members.length < minSize) continue;
    members.sort((a, b) => g.position[a]! - g.position[b]!);
    // Candidates: members with no anomalous predecessor. Each is walked forward, in topological order while the
    // work limit allows; the one reaching most wins.
    const limit = ROOT_CAUSE_WORK_FACTOR * (members.length + edges);
    walker.work = 0;
    let best = -1;
    let bestReach = -1;
    let candidates = 0;
    let weighed = 0;
    for (const v of members) {
      if (g.preds[v]!.length > 0) continue;
      candidates++;
      if (walker.work >= limit) continue;
      weighed++;
      const reach = walker.reach(v);
      if (reach > bestReach || (reach === bestReach && before(g, v, best))) {
        best = v;
        bestReach = reach;
      }
    }
    const agents = new Set<string>();
    walker.reach(best, (w) => agents.add(g.iss[w]!));
    const size = members.length;
    const jti = g.ids[best]!;
    const agent = g.iss[best]!;
    cascades.push({
      nodes: members.map((m) => g.ids[m]!),
      agents: [...new Set(members.map((m) => g.iss[m]!))].sort(compareCodeUnits),
      rootCause: {
        jti,
        agent,
        iat: g.iat[best]!,
        explained: bestReach,
        explainedAgents: agents.size,
        candidates,
        weighed,
        confidence: (bestReach + 1) / size,
        explanation:
          `${jti} (${agent}) precedes ${bestReach} of the ${size - 1} other anomalous tasks of the cascade, ` +
          `across ${agents.size} agent(s); ${candidates} task(s) had no anomalous predecessor` +
          (weighed < candidates ? `, of which the first ${weighed} were weighed (work limit)` : ''),
      },
    });
  }
  return cascades.sort(
    (a, b) =>
      b.nodes.length - a.nodes.length ||
      a.rootCause.iat - b.rootCause.iat ||
      compareCodeUnits(a.rootCause.jti, b.rootCause.jti),
  );
}

/** The anomalous tasks as a graph of their own: only the DAG edges between two of them. */
interface CascadeGraph {
  readonly ids: string[];
  readonly iss: string[];
  readonly iat: number[];
  readonly position: number[];
  readonly preds: number[][];
  readonly succs: number[][];
}

function cascadeGraph<P>(dag: EctDag<P>, anomalous: Iterable<string>): CascadeGraph {
  const index = new Map<string, number>();
  const g: CascadeGraph = { ids: [], iss: [], iat: [], position: [], preds: [], succs: [] };
  const predIds: (readonly string[])[] = [];
  for (const jti of anomalous) {
    if (index.has(jti)) continue;
    const node = dag.get(jti);
    if (node === undefined) throw snError('ERR_ECT_NODE_NOT_FOUND', String(jti));
    index.set(jti, g.ids.length);
    g.ids.push(jti);
    g.iss.push(node.iss);
    g.iat.push(node.iat);
    g.position.push(node.position);
    g.preds.push([]);
    g.succs.push([]);
    predIds.push(node.pred);
  }
  for (let v = 0; v < g.ids.length; v++) {
    for (const p of predIds[v]!) {
      const u = index.get(p);
      if (u === undefined) continue;
      g.preds[v]!.push(u);
      g.succs[u]!.push(v);
    }
  }
  return g;
}

/** Forward walks over the cascade graph, sharing one visited-stamp array; `work` counts walks and edges followed. */
class Walker {
  work = 0;
  private mark = 0;
  private readonly stamp: Int32Array;
  private readonly stack: number[] = [];

  constructor(private readonly succs: readonly number[][]) {
    this.stamp = new Int32Array(succs.length);
  }

  /** Members reached from `start` (itself excluded), each passed to `visit`. */
  reach(start: number, visit?: (w: number) => void): number {
    const { succs, stamp, stack } = this;
    const mark = ++this.mark;
    stamp[start] = mark;
    let reached = 0;
    this.work++;
    stack.push(start);
    while (stack.length > 0) {
      const list = succs[stack.pop()!]!;
      this.work += list.length;
      for (const w of list) {
        if (stamp[w] === mark) continue;
        stamp[w] = mark;
        reached++;
        visit?.(w);
        stack.push(w);
      }
    }
    return reached;
  }
}

/** Tie-break between two candidates with the same reach: earlier `iat`, then smaller `jti`. */
function before(g: CascadeGraph, a: number, b: number): boolean {
  if (b === -1) return true;
  return g.iat[a]! < g.iat[b]! || (g.iat[a] === g.iat[b] && g.ids[a]! < g.ids[b]!);
}

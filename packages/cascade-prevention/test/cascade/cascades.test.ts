import { type DagNodeInput, EctDag } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Cascade, findCascades, ROOT_CAUSE_WORK_FACTOR } from '../../src/index.js';
import { reach } from '../naive.js';

const T0 = 1_767_225_600;

/**
 * §5.4 by its definition: every candidate walked in full, one plain BFS each (quadratic, the way findCascades
 * used to weigh them). With `limit`, only the first `limit` candidates of a cascade in topological order are
 * weighed, which is what the work limit leaves of a search.
 */
function reference(nodes: readonly DagNodeInput[], anomalous: readonly string[], minSize: number, limit = Infinity) {
  const set = new Set(anomalous);
  const order = nodes.filter((n) => set.has(n.jti));
  const preds = new Map(order.map((n) => [n.jti, n.pred.filter((p) => set.has(p))]));
  const succs = new Map<string, string[]>(order.map((n) => [n.jti, []]));
  for (const n of order) for (const p of preds.get(n.jti)!) succs.get(p)!.push(n.jti);
  const linked = new Map(order.map((n) => [n.jti, [...preds.get(n.jti)!, ...succs.get(n.jti)!]]));
  const seen = new Set<string>();
  const out: Cascade[] = [];
  for (const first of order) {
    if (seen.has(first.jti)) continue;
    const component = new Set([first.jti, ...reach(linked, first.jti)]);
    for (const m of component) seen.add(m);
    if (component.size < minSize) continue;
    const members = order.filter((n) => component.has(n.jti));
    const candidates = members.filter((n) => preds.get(n.jti)!.length === 0);
    const weighed = candidates.slice(0, limit).map((n) => ({ n, explained: reach(succs, n.jti) }));
    const { n: best, explained } = weighed.reduce((a, b) =>
      b.explained.size > a.explained.size ||
      (b.explained.size === a.explained.size && (b.n.iat < a.n.iat || (b.n.iat === a.n.iat && b.n.jti < a.n.jti)))
        ? b
        : a,
    );
    const size = members.length;
    const agents = new Set(members.filter((n) => explained.has(n.jti)).map((n) => n.iss));
    out.push({
      nodes: members.map((n) => n.jti),
      agents: [...new Set(members.map((n) => n.iss))].sort(),
      rootCause: {
        jti: best.jti,
        agent: best.iss,
        iat: best.iat,
        explained: explained.size,
        explainedAgents: agents.size,
        candidates: candidates.length,
        weighed: weighed.length,
        confidence: (explained.size + 1) / size,
        explanation:
          `${best.jti} (${best.iss}) precedes ${explained.size} of the ${size - 1} other anomalous tasks of the cascade, ` +
          `across ${agents.size} agent(s); ${candidates.length} task(s) had no anomalous predecessor` +
          (weighed.length < candidates.length
            ? `, of which the first ${weighed.length} were weighed (work limit)`
            : ''),
      },
    });
  }
  return out.sort(
    (a, b) =>
      b.nodes.length - a.nodes.length ||
      a.rootCause.iat - b.rootCause.iat ||
      (a.rootCause.jti < b.rootCause.jti ? -1 : a.rootCause.jti > b.rootCause.jti ? 1 : 0),
  );
}

/** A DAG holding `nodes` in this order, so that insertion order is the array's. */
function dagOf(nodes: readonly DagNodeInput[]): EctDag {
  const dag = new EctDag({ clockSkewSeconds: 30 });
  for (const n of nodes) dag.insert(n);
  return dag;
}

/** Random DAGs: node i names up to three earlier nodes as predecessors; iat and agents collide often. */
const randomDag = fc.integer({ min: 1, max: 30 }).chain((size) =>
  fc.tuple(
    fc.array(
      fc.record({
        pred: fc.array(fc.nat(), { maxLength: 3 }),
        iat: fc.integer({ min: 0, max: 2 }),
        agent: fc.constantFrom('a', 'b', 'c'),
      }),
      { minLength: size, maxLength: size },
    ),
    fc.array(fc.nat(size - 1), { maxLength: 2 * size }),
    fc.integer({ min: 2, max: 4 }),
  ),
);

describe('findCascades against the definition', () => {
  it('gives exactly what weighing every candidate gives (property)', () => {
    fc.assert(
      fc.property(randomDag, ([specs, picks, minSize]) => {
        const nodes = specs.map(
          (s, i): DagNodeInput => ({
            jti: `n${i}`,
            wid: 'w',
            iat: T0 + s.iat,
            iss: s.agent,
            exec_act: 'run',
            pred: i === 0 ? [] : [...new Set(s.pred.map((p) => `n${p % i}`))],
          }),
        );
        const anomalous = picks.map((p) => `n${p}`);
        expect(findCascades(dagOf(nodes), anomalous, minSize)).toEqual(reference(nodes, anomalous, minSize));
      }),
      { numRuns: 400 },
    );
  });

  it('past the work limit, names the best of the candidates weighed, at least ROOT_CAUSE_WORK_FACTOR (property)', () => {
    // 500 candidates each feeding one or two of the first 20 tasks of a 500-task chain with random shortcuts:
    // weighing all of them would walk nearly the whole chain 500 times, far past 64 times the graph's size.
    const shape = fc.tuple(
      fc.array(fc.tuple(fc.nat(19), fc.integer({ min: 0, max: 2 })), { minLength: 500, maxLength: 500 }),
      fc.array(fc.tuple(fc.nat(499), fc.integer({ min: 2, max: 50 })), { maxLength: 200 }),
    );
    fc.assert(
      fc.property(shape, ([roots, shortcuts]) => {
        const nodes: DagNodeInput[] = roots.map(([, iat], i) => ({
          jti: `r${i}`,
          wid: 'w',
          iat: T0 + iat,
          iss: `agent-${i % 7}`,
          exec_act: 'run',
          pred: [],
        }));
        const preds: Set<string>[] = Array.from({ length: 500 }, (_, j) => new Set(j === 0 ? [] : [`c${j - 1}`]));
        // A task names at most 100 predecessors.
        const link = (from: string, to: number) => to < 500 && preds[to]!.size < 100 && preds[to]!.add(from);
        for (const [i, [other]] of roots.entries()) {
          link(`r${i}`, i % 20);
          link(`r${i}`, other);
        }
        for (const [from, gap] of shortcuts) link(`c${from}`, from + gap);
        for (const [j, p] of preds.entries()) {
          nodes.push({ jti: `c${j}`, wid: 'w', iat: T0 + 3, iss: `agent-${j % 5}`, exec_act: 'run', pred: [...p] });
        }
        const anomalous = nodes.map((n) => n.jti);
        const [got] = findCascades(dagOf(nodes), anomalous, 3);
        const weighed = got!.rootCause.weighed;
        expect(weighed).toBeGreaterThanOrEqual(ROOT_CAUSE_WORK_FACTOR);
        expect(weighed).toBeLessThan(got!.rootCause.candidates);
        expect([got]).toEqual(reference(nodes, anomalous, 3, weighed));
      }),
      { numRuns: 10 },
    );
  });

  it('does bounded work on 25 000 anomalies where weighing every candidate would walk 150 million edges', () => {
    // 15 000 failed tasks, task i feeding c(i mod 200) of a 10 000-task failed chain: each of the 15 000
    // candidates reaches at least 9 800 tasks.
    const nodes: DagNodeInput[] = [];
    for (let i = 0; i < 15_000; i++) {
      nodes.push({ jti: `r${i}`, wid: 'w', iat: T0, iss: `agent-${i % 50}`, exec_act: 'run', pred: [] });
    }
    for (let j = 0; j < 10_000; j++) {
      const pred = j === 0 ? [] : [`c${j - 1}`];
      if (j < 200) for (let i = j; i < 15_000; i += 200) pred.push(`r${i}`);
      nodes.push({ jti: `c${j}`, wid: 'w', iat: T0, iss: 'chain', exec_act: 'run', pred });
    }
    const [cascade, ...rest] = findCascades(
      dagOf(nodes),
      nodes.map((n) => n.jti),
      3,
    );
    expect(rest).toEqual([]);
    const { rootCause } = cascade!;
    expect(rootCause).toMatchObject({ jti: 'r0', explained: 10_000, explainedAgents: 1, candidates: 15_000 });
    // Candidates are walked in topological order until the work (a walk counts one, each edge it follows one)
    // reaches 64 × (members + edges); walking from r(i) follows its edge and the chain from c(i mod 200) on.
    expect(ROOT_CAUSE_WORK_FACTOR).toBe(64);
    const limit = 64 * (25_000 + 15_000 + 9_999);
    let work = 0;
    let walks = 0;
    for (; work < limit; walks++) work += 1 + 1 + (9_999 - (walks % 200));
    expect(rootCause.weighed).toBe(walks);
    expect(walks).toBeLessThan(330);
    expect(rootCause.explanation).toContain(
      `15000 task(s) had no anomalous predecessor, of which the first ${walks} were weighed (work limit)`,
    );
  });
});

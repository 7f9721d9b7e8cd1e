import { type DagNodeInput, EctDag } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { blastRadius, CascadeDetector, layeredWorkflow, recommendContainment } from '../../src/index.js';
import { childrenOf, reach } from '../naive.js';
import { AGENTS } from './simulate.js';

const T0 = 1_767_225_600;

function node(jti: string, iss: string, pred: string[]): DagNodeInput {
  return { jti, wid: 'w', iat: T0, iss, exec_act: `${iss}.run`, pred };
}

// Supply chain: i1 (inventory) feeds s1 (shipping) and i2 (inventory); s1 feeds p1 (payment); i2 feeds s2.
const supply = [
  node('i1', 'inventory', []),
  node('s1', 'shipping', ['i1']),
  node('i2', 'inventory', ['i1']),
  node('p1', 'payment', ['s1']),
  node('s2', 'shipping', ['i2']),
  node('p2', 'payment', ['s2', 's1']),
  node('x', 'other', []),
];
const domainOf = (n: { iss: string }) => (n.iss === 'payment' ? 'finance' : 'logistics');

describe('blast radius', () => {
  it('lists descendants by agent and by domain, by hand', () => {
    const dag = EctDag.from(supply);
    const r = blastRadius(dag, 'i1', { domainOf });
    expect(r).toEqual({
      source: 'i1',
      count: 5,
      nodes: ['s1', 'i2', 'p1', 'p2', 's2'],
      byAgent: [
        { key: 'inventory', count: 1, nodes: ['i2'] },
        { key: 'payment', count: 2, nodes: ['p1', 'p2'] },
        { key: 'shipping', count: 2, nodes: ['s1', 's2'] },
      ],
      byDomain: [
        { key: 'finance', count: 2, nodes: ['p1', 'p2'] },
        { key: 'logistics', count: 3, nodes: ['s1', 'i2', 's2'] },
      ],
    });
    expect(blastRadius(dag, 'x')).toMatchObject({ count: 0, nodes: [], byAgent: [], byDomain: [] });
    expect(blastRadius(dag, 'i1', { maxDepth: 1 }).nodes).toEqual(['s1', 'i2']);
    expect(blastRadius(dag, 'i1').byDomain).toEqual(blastRadius(dag, 'i1').byAgent);
  });

  it('equals a naive BFS on seeded random workflows (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 7 }),
        fc.nat(),
        (seed, layers, width, pick) => {
          const nodes = layeredWorkflow({ seed, layers, width, agents: AGENTS, maxFanIn: 4 });
          const dag = EctDag.from(nodes);
          const source = nodes[pick % nodes.length]!.jti;
          const expected = reach(childrenOf(nodes), source);
          const r = blastRadius(dag, source);
          expect(new Set(r.nodes)).toEqual(expected);
          expect(r.count).toBe(expected.size);
          expect(r.nodes).toEqual(dag.descendants(source));
          const agentOf = new Map(nodes.map((n) => [n.jti, n.iss]));
          for (const g of r.byAgent) {
            expect(g.nodes).toEqual(r.nodes.filter((j) => agentOf.get(j) === g.key));
            expect(g.count).toBe(g.nodes.length);
          }
          expect(r.byAgent.reduce((s, g) => s + g.count, 0)).toBe(expected.size);
          const keys = r.byAgent.map((g) => g.key);
          expect(keys).toEqual([...new Set([...expected].map((j) => agentOf.get(j)!))].sort());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is bounded and refuses bad input with typed errors', () => {
    const dag = EctDag.from(supply);
    expect(blastRadius(dag, 'i1', { limit: 5 }).count).toBe(5);
    expect(codeOf(() => blastRadius(dag, 'i1', { limit: 4 }))).toBe('ERR_ECT_TRAVERSAL_LIMIT');
    expect(codeOf(() => blastRadius(dag, 'nope'))).toBe('ERR_ECT_NODE_NOT_FOUND');
    for (const limit of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3']) {
      expect(codeOf(() => blastRadius(dag, 'i1', { limit: limit as never }))).toBe('ERR_INPUT_INVALID');
    }
    expect(codeOf(() => blastRadius(dag, 'i1', { maxDepth: -1 }))).toBe('ERR_INPUT_INVALID');
    expect(codeOf(() => blastRadius(dag, 'i1', null as never))).toBe('ERR_CP_CONFIG_INVALID');
    expect(codeOf(() => blastRadius(dag, 'i1', { domainOf: 'x' as never }))).toBe('ERR_CP_CONFIG_INVALID');
    for (const bad of [
      () => '',
      () => 7,
      () => 'd'.repeat(257),
      () => {
        throw new Error('boom');
      },
    ]) {
      expect(codeOf(() => blastRadius(dag, 'i1', { domainOf: bad as never }))).toBe('ERR_CP_CONFIG_INVALID');
    }
  });
});

describe('containment', () => {
  it('opens dependent → failing dependency breakers and isolates the domains reached, by hand', () => {
    const dag = EctDag.from(supply);
    const c = recommendContainment(dag, 'i1', { anomalous: ['i1', 's1'], domainOf });
    expect(c.failingAgents).toEqual(['inventory', 'shipping']);
    expect(c.openBreakers).toEqual([
      { dependent: 'payment', dependency: 'shipping', edges: 3 }, // s1 → p1, s2 → p2, s1 → p2
      { dependent: 'shipping', dependency: 'inventory', edges: 2 }, // i1 → s1, i2 → s2
    ]);
    expect(c.isolateDomains).toEqual(['logistics']);
    expect(c.blastRadius).toEqual(blastRadius(dag, 'i1', { domainOf }));
    // Only the source failing: only the breakers on inventory.
    expect(recommendContainment(dag, 'i1').openBreakers).toEqual([
      { dependent: 'shipping', dependency: 'inventory', edges: 2 },
    ]);
    expect(recommendContainment(dag, 'i1', { anomalous: ['p1'], domainOf }).isolateDomains).toEqual([
      'finance',
      'logistics',
    ]);
    expect(codeOf(() => recommendContainment(dag, 'i1', { anomalous: 5 as never }))).toBe('ERR_CP_CONFIG_INVALID');
    expect(codeOf(() => recommendContainment(dag, 'i1', { anomalous: [1] as never }))).toBe('ERR_CP_CONFIG_INVALID');
  });

  it('matches an independent computation on random workflows (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.nat(), fc.array(fc.nat(), { maxLength: 12 }), (seed, pick, bad) => {
        const nodes = layeredWorkflow({ seed, layers: 5, width: 5, agents: AGENTS });
        const dag = EctDag.from(nodes);
        const source = nodes[pick % nodes.length]!;
        const anomalous = bad.map((b) => nodes[b % nodes.length]!.jti);
        const region = reach(childrenOf(nodes), source.jti);
        const agentOf = new Map(nodes.map((n) => [n.jti, n.iss]));
        const failing = new Set([source.iss, ...anomalous.filter((j) => region.has(j)).map((j) => agentOf.get(j)!)]);
        const inside = new Set([source.jti, ...region]);
        const pairs = new Map<string, number>();
        for (const n of nodes) {
          if (!region.has(n.jti)) continue;
          for (const p of n.pred) {
            const dep = agentOf.get(p)!;
            if (inside.has(p) && failing.has(dep) && dep !== n.iss) {
              pairs.set(`${n.iss} ${dep}`, (pairs.get(`${n.iss} ${dep}`) ?? 0) + 1);
            }
          }
        }
        const c = recommendContainment(dag, source.jti, { anomalous });
        expect(c.failingAgents).toEqual([...failing].sort());
        expect(c.isolateDomains).toEqual([...failing].sort()); // default domain: the agent
        const expected = [...pairs]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, edges]) => {
            const [dependent, dependency] = k.split(' ');
            return { dependent, dependency, edges };
          });
        expect(c.openBreakers).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('is what the detector recommends for a cascade', () => {
    const dag = EctDag.from(supply);
    const d = new CascadeDetector(dag);
    for (const [i, jti] of ['i1', 's1', 'p1'].entries()) d.observe({ jti, outcome: 'failure', latencyMs: 1, at: i });
    const [cascade] = d.cascades();
    expect(cascade!.rootCause).toMatchObject({ jti: 'i1', agent: 'inventory', explained: 2, explainedAgents: 2 });
    expect(d.containment(cascade!, { domainOf })).toEqual(
      recommendContainment(dag, 'i1', { anomalous: ['i1', 's1', 'p1'], domainOf }),
    );
    expect(d.containment(cascade!).isolateDomains).toEqual(['inventory', 'payment', 'shipping']);
  });
});

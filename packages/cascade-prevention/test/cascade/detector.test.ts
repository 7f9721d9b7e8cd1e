import { type DagNodeInput, EctDag } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { CascadeDetector, findCascades, layeredWorkflow } from '../../src/index.js';
import { AGENTS, simulate } from './simulate.js';

const T0 = 1_767_225_600;

function node(jti: string, iss: string, pred: string[], iat = T0, exec_act = `${iss}.run`): DagNodeInput {
  return { jti, wid: 'w', iat, iss, exec_act, pred };
}

/** A detector over `dag` whose baselines learned `rounds` healthy workflows of the same agents first. */
function trained(dag: EctDag, seed: string, rounds = 3): CascadeDetector {
  const detector = new CascadeDetector(dag);
  for (let r = 0; r < rounds; r++) {
    const nodes = layeredWorkflow({
      seed: `${seed}/train/${r}`,
      layers: 12,
      width: 6,
      agents: AGENTS,
      wid: `train-${r}`,
    });
    dag.importNodes(nodes);
    for (const rec of simulate(nodes, { seed: `${seed}/train-noise/${r}`, noise: 'uniform' }).records)
      detector.observe(rec);
  }
  return detector;
}

describe('baselines', () => {
  it('are the running mean and population variance at first, then an EWMA (by hand)', () => {
    const dag = EctDag.from([node('a', 'x', []), node('b', 'x', ['a']), node('c', 'x', ['b']), node('d', 'x', ['c'])]);
    const d = new CascadeDetector(dag, { alpha: 0.5, warmup: 3 });
    d.observe({ jti: 'a', outcome: 'success', latencyMs: 10, at: 1 });
    d.observe({ jti: 'b', outcome: 'success', latencyMs: 20, at: 2 });
    // n = 2, a = 1/2: mean 15, variance (1 − ½)(0 + ½·10²) = 25 (population variance of 10 and 20).
    expect(d.baseline('agent', 'x')).toEqual({ samples: 2, records: 2, meanMs: 15, sdMs: 5, errorRate: 0 });
    d.observe({ jti: 'c', outcome: 'failure', latencyMs: 999, at: 3 });
    // A failure's latency is not taken in; the error rate with a = max(½, ⅓) = ½ becomes 0.5.
    expect(d.baseline('action', 'x.run')).toEqual({ samples: 2, records: 3, meanMs: 15, sdMs: 5, errorRate: 0.5 });
    d.observe({ jti: 'd', outcome: 'success', latencyMs: 25, at: 4 });
    // n = 3, a = ½: d = 10, mean 20, variance ½(25 + ½·100) = 37.5.
    const b = d.baseline('agent', 'x')!;
    expect(b.meanMs).toBe(20);
    expect(b.sdMs).toBeCloseTo(Math.sqrt(37.5), 12);
    expect(b.errorRate).toBe(0.25);
  });

  it('judge latency against the action baseline, else the agent baseline, once warm', () => {
    const nodes: DagNodeInput[] = [];
    for (let i = 0; i < 6; i++) nodes.push(node(`t${i}`, 'x', [], T0, 'x.fetch'));
    nodes.push(node('u0', 'x', [], T0, 'x.other'), node('u1', 'x', [], T0, 'x.other'));
    const dag = EctDag.from(nodes);
    const d = new CascadeDetector(dag, { warmup: 4, zThreshold: 3, sdFloorMs: 1 });
    for (let i = 0; i < 4; i++) {
      expect(d.observe({ jti: `t${i}`, outcome: 'success', latencyMs: 100 + (i % 2) * 10, at: i })).toEqual({
        jti: `t${i}`,
        anomalous: false,
      });
    }
    // Warm now: mean 105, sd 5 on both baselines, and the action baseline judges.
    const slow = d.observe({ jti: 't4', outcome: 'success', latencyMs: 125, at: 5 });
    expect(slow).toMatchObject({ anomalous: true, reason: 'latency', baseline: 'action' });
    expect(slow.score).toBeCloseTo(4, 12);
    // The slow latency did not move the baseline.
    expect(d.baseline('action', 'x.fetch')?.meanMs).toBe(105);
    // An action never seen before is judged by its agent's baseline.
    const other = d.observe({ jti: 'u0', outcome: 'success', latencyMs: 110, at: 6 });
    expect(other).toMatchObject({ anomalous: false, baseline: 'agent' });
    expect(other.score).toBeCloseTo(1, 12);
    expect(d.observe({ jti: 't5', outcome: 'timeout', latencyMs: 0, at: 7 })).toEqual({
      jti: 't5',
      anomalous: true,
      reason: 'timeout',
    });
    expect(d.anomalous()).toEqual(['t4', 't5']);
    // A later success for the same task clears it.
    d.observe({ jti: 't5', outcome: 'success', latencyMs: 105, at: 8 });
    expect(d.anomalous()).toEqual(['t4']);
    expect(d.reasonOf('t4')).toBe('latency');
  });
});

describe('cascades and root cause', () => {
  it('names the candidate that explains most, with its agent, by hand', () => {
    //   a(inv) → b(ship) → c(pay) → d(bill)      e(inv) → f(ship), e → d
    const dag = EctDag.from([
      node('a', 'inv', [], T0),
      node('e', 'inv', [], T0 + 1),
      node('b', 'ship', ['a'], T0 + 2),
      node('f', 'ship', ['e'], T0 + 2),
      node('c', 'pay', ['b'], T0 + 3),
      node('d', 'bill', ['c', 'e'], T0 + 4),
      node('z', 'inv', [], T0),
    ]);
    const [cascade, ...rest] = findCascades(dag, ['d', 'c', 'b', 'a', 'e', 'f', 'z'], 3);
    expect(rest).toEqual([]); // z is isolated
    expect(cascade!.nodes).toEqual(['a', 'e', 'b', 'f', 'c', 'd']);
    expect(cascade!.agents).toEqual(['bill', 'inv', 'pay', 'ship']);
    expect(cascade!.rootCause).toMatchObject({
      jti: 'a',
      agent: 'inv',
      explained: 3,
      explainedAgents: 3,
      candidates: 2,
    });
    expect(cascade!.rootCause.confidence).toBeCloseTo(4 / 6, 12);
    expect(cascade!.rootCause.explanation).toContain('a (inv) precedes 3 of the 5 other anomalous tasks');
  });

  it('breaks ties by earliest iat, then smallest jti', () => {
    const dag = EctDag.from([
      node('p', 'x', [], T0 + 1),
      node('q', 'y', [], T0),
      node('r', 'z', [], T0),
      node('s', 'w', ['p', 'q', 'r'], T0 + 2),
    ]);
    expect(findCascades(dag, ['p', 'q', 'r', 's'], 2)[0]!.rootCause.jti).toBe('q');
    expect(findCascades(dag, ['p', 'r', 's'], 2)[0]!.rootCause.jti).toBe('r');
    expect(findCascades(dag, ['p', 's'], 2)[0]!.rootCause.jti).toBe('p');
  });

  it('orders cascades largest first and ignores those under the minimum size', () => {
    const dag = EctDag.from([
      node('a', 'x', []),
      node('b', 'x', ['a']),
      node('c', 'x', []),
      node('d', 'x', ['c']),
      node('e', 'x', ['d']),
    ]);
    expect(findCascades(dag, ['a', 'b', 'c', 'd', 'e'], 2).map((c) => c.rootCause.jti)).toEqual(['c', 'a']);
    expect(findCascades(dag, ['a', 'b', 'c', 'd', 'e'], 3).map((c) => c.nodes)).toEqual([['c', 'd', 'e']]);
    expect(codeOf(() => findCascades(dag, ['nope'], 2))).toBe('ERR_ECT_NODE_NOT_FOUND');
  });

  it('finds the injected root of seeded synthetic cascades (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 6 }), (seed, rootLayer) => {
        const dag = new EctDag({ clockSkewSeconds: 30 });
        const detector = trained(dag, seed);
        const nodes = layeredWorkflow({ seed: `${seed}/live`, layers: 9, width: 6, agents: AGENTS, wid: 'live' });
        dag.importNodes(nodes);
        const root = `live/${rootLayer}/${seed.length % 6}`;
        const { records, affected } = simulate(nodes, { seed: `${seed}/live-noise`, root, noise: 'uniform' });
        for (const r of records) detector.observe(r);
        const cascades = detector.cascades();
        if (affected.size < 3) {
          expect(cascades).toEqual([]);
          return;
        }
        // Bounded noise raises no false alarm, so exactly the injected fault is reported.
        expect(cascades).toHaveLength(1);
        const order = dag.topologicalOrder({ wid: 'live' }).filter((j) => affected.has(j));
        expect(cascades[0]!.nodes).toEqual(order);
        expect(cascades[0]!.rootCause.jti).toBe(root);
        expect(cascades[0]!.rootCause.agent).toBe(nodes.find((n) => n.jti === root)!.iss);
        expect(cascades[0]!.rootCause.explained).toBe(affected.size - 1);
        expect(cascades[0]!.rootCause.confidence).toBe(1);
      }),
      { numRuns: 25 },
    );
  });

  it('raises few false alarms on healthy noise (gaussian latency, 0.5 % timeouts)', () => {
    // The measure quoted in cascade-prevention.md §5.7: 40 seeded workflows of 301 tasks after training.
    let alarms = 0;
    let anomalies = 0;
    for (let run = 0; run < 40; run++) {
      const dag = new EctDag();
      const detector = trained(dag, `fa-${run}`);
      const nodes = layeredWorkflow({ seed: `fa-${run}/live`, layers: 50, width: 6, agents: AGENTS, wid: 'live' });
      dag.importNodes(nodes);
      for (const r of simulate(nodes, { seed: `fa-${run}/noise`, noise: 'gaussian', failureRate: 0.005 }).records) {
        if (detector.observe(r).anomalous && r.jti.startsWith('live')) anomalies++;
      }
      alarms += detector.cascades().length;
    }
    expect(anomalies).toBeGreaterThan(0); // the noise does produce isolated anomalies …
    expect(alarms).toBe(0); // … and none of them is reported as a cascade
  });
});

describe('memory bounds', () => {
  it('forgets the oldest anomalies beyond maxAnomalies and the horizon', () => {
    const nodes = Array.from({ length: 10 }, (_, i) => node(`n${i}`, 'x', i === 0 ? [] : [`n${i - 1}`]));
    const dag = EctDag.from(nodes);
    const d = new CascadeDetector(dag, { maxAnomalies: 4, horizonMs: 1000 });
    for (let i = 0; i < 6; i++) d.observe({ jti: `n${i}`, outcome: 'failure', latencyMs: 1, at: i });
    expect(d.anomalous()).toEqual(['n2', 'n3', 'n4', 'n5']);
    d.observe({ jti: 'n6', outcome: 'success', latencyMs: 1, at: 1003 }); // n0…n2 are now older than 1000 ms
    expect(d.anomalous()).toEqual(['n3', 'n4', 'n5']);
    expect(d.cascades()[0]!.rootCause.jti).toBe('n3');
  });

  it('keeps at most maxBaselines per family', () => {
    const nodes = Array.from({ length: 50 }, (_, i) => node(`n${i}`, `agent-${i}`, []));
    const d = new CascadeDetector(EctDag.from(nodes), { maxBaselines: 5 });
    for (let i = 0; i < 50; i++) d.observe({ jti: `n${i}`, outcome: 'success', latencyMs: 1, at: i });
    expect(d.baseline('agent', 'agent-44')).toBeUndefined();
    expect(d.baseline('agent', 'agent-45')).toBeDefined();
    expect(d.baseline('action', 'agent-49.run')).toBeDefined();
  });
});

describe('adversarial input', () => {
  const dag = EctDag.from([node('a', 'x', [])]);

  it('refuses bad records with typed errors and changes nothing', () => {
    const d = new CascadeDetector(dag);
    const good = { jti: 'a', outcome: 'success', latencyMs: 1, at: 1 };
    const bad: unknown[] = [
      null,
      42,
      'a',
      [],
      {},
      { ...good, outcome: 'ok' },
      { ...good, latencyMs: Number.NaN },
      { ...good, latencyMs: -1 },
      { ...good, latencyMs: Number.POSITIVE_INFINITY },
      { ...good, latencyMs: '5' },
      { ...good, at: -1 },
      { ...good, at: Number.NaN },
      { ...good, jti: '' },
      { ...good, jti: 'x'.repeat(257) },
      {
        get jti(): string {
          throw new Error('boom');
        },
      },
    ];
    for (const r of bad) expect(codeOf(() => d.observe(r as never))).toBe('ERR_INPUT_INVALID');
    expect(codeOf(() => d.observe({ ...good, jti: 'missing' } as never))).toBe('ERR_ECT_NODE_NOT_FOUND');
    expect(d.baseline('agent', 'x')).toBeUndefined();
    expect(d.observe({ ...good, latencyMs: 1e300 } as never).anomalous).toBe(false);
  });

  it('refuses bad options', () => {
    const bad: unknown[] = [
      null,
      'x',
      { alpha: 0 },
      { alpha: 1.5 },
      { alpha: Number.NaN },
      { warmup: 0 },
      { warmup: 2.5 },
      { zThreshold: -1 },
      { zThreshold: Number.POSITIVE_INFINITY },
      { sdFloorMs: 0 },
      { minCascadeSize: 1 },
      { maxAnomalies: 1e9 },
      { horizonMs: Number.NaN },
      { maxBaselines: -3 },
    ];
    for (const o of bad) expect(codeOf(() => new CascadeDetector(dag, o as never))).toBe('ERR_CP_CONFIG_INVALID');
  });

  it('never throws untyped errors on arbitrary records (property)', () => {
    const d = new CascadeDetector(dag);
    fc.assert(
      fc.property(fc.anything(), (r) => {
        const c = codeOf(() => d.observe(r as never));
        expect(c === 'no error' || c === 'ERR_INPUT_INVALID' || c === 'ERR_ECT_NODE_NOT_FOUND').toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

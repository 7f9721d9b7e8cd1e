import { EctDag } from '@safety-net/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoundedMap } from '../../src/cascade/bounded-map.js';
import { CascadeDetector } from '../../src/index.js';

const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.nat(12), value: fc.nat(100) }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.nat(12) }),
  fc.record({ kind: fc.constant('expire' as const), below: fc.nat(100) }),
);

describe('BoundedMap', () => {
  it('behaves as a list of at most capacity entries, set moving a key to the newest end (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const map = new BoundedMap<number, number>(capacity);
        let model: [number, number][] = [];
        for (const o of ops) {
          if (o.kind === 'set') {
            map.set(o.key, o.value);
            model = [...model.filter(([k]) => k !== o.key), [o.key, o.value] as [number, number]].slice(-capacity);
          } else if (o.kind === 'delete') {
            map.delete(o.key);
            model = model.filter(([k]) => k !== o.key);
          } else {
            map.deleteOldestWhile((v) => v < o.below);
            const keep = model.findIndex(([, v]) => v >= o.below);
            model = keep === -1 ? [] : model.slice(keep);
          }
          expect([...map]).toEqual(model);
          expect(map.size).toBe(model.length);
          for (let k = 0; k <= 12; k++) expect(map.get(k)).toBe(model.find(([key]) => key === k)?.[1]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('detector bookkeeping', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never walks a Map from its front to forget the oldest entry', () => {
    // V8 leaves deleted slots at the front of a Map until it rehashes, so each such walk costs time in the
    // number of entries deleted so far: O(capacity) per record once the bounds are reached.
    const n = 400;
    const dag = new EctDag();
    for (let i = 0; i < n; i++) {
      dag.insert({ jti: `t${i}`, wid: 'w', iat: 1, iss: `agent-${i}`, exec_act: `act-${i}`, pred: [] });
    }
    const d = new CascadeDetector(dag, { maxAnomalies: 50, maxBaselines: 50, horizonMs: 100 });
    const walks = [
      vi.spyOn(Map.prototype, 'keys'),
      vi.spyOn(Map.prototype, 'values'),
      vi.spyOn(Map.prototype, 'entries'),
      vi.spyOn(Map.prototype, Symbol.iterator),
    ];
    for (let i = 0; i < n; i++) d.observe({ jti: `t${i}`, outcome: 'failure', latencyMs: 1, at: i });
    const kept = d.anomalous();
    d.observe({ jti: 't0', outcome: 'success', latencyMs: 1, at: n + 100 });
    expect(walks.map((w) => w.mock.calls.length)).toEqual([0, 0, 0, 0]);
    // The bounds still hold: the 50 newest anomalies, then none once they left the horizon; the 50 newest baselines.
    expect(kept).toEqual(Array.from({ length: 50 }, (_, i) => `t${n - 50 + i}`));
    expect(d.anomalous()).toEqual([]);
    expect(d.baseline('agent', `agent-${n - 50}`)).toBeUndefined();
    expect(d.baseline('action', `act-${n - 49}`)).toBeDefined();
  });
});

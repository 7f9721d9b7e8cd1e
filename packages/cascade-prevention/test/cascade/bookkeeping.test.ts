import { EctDag } from '@safety-net/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CascadeDetector } from '../../src/index.js';

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

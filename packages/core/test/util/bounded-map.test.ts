import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/util/bounded-map.js';

const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.nat(12), value: fc.nat(100) }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.nat(12) }),
  fc.record({ kind: fc.constant('expire' as const), below: fc.nat(100) }),
);

describe('BoundedMap', () => {
  it('behaves as a list of at most capacity entries, set moving a key to the newest end (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const map = new BoundedMap<number, number>(capacity);
        let model: [number, number][] = [];
        for (const o of ops) {
          if (o.kind === 'set') {
            map.set(o.key, o.value);
            const next = [...model.filter(([k]) => k !== o.key), [o.key, o.value] as [number, number]];
            model = next.slice(Math.max(0, next.length - capacity));
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
          for (let k = 0; k <= 12; k++) {
            expect(map.get(k)).toBe(model.find(([key]) => key === k)?.[1]);
            expect(map.has(k)).toBe(model.some(([key]) => key === k));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

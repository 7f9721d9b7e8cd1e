import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkedArray } from '../../src/dag/chunked-array.js';
import { hashId, IdTable } from '../../src/dag/id-table.js';
import { EctDag } from '../../src/dag/index.js';

/** An IdTable over its own key list, filled like the store fills it. */
function tableOf(ids: readonly string[]): IdTable {
  const keys = new ChunkedArray<string>();
  const table = new IdTable(keys);
  for (const id of ids) {
    table.set(id, keys.length);
    keys.push(id);
  }
  return table;
}

/** FNV-1a's state step, as hashId runs it before its finalizer. */
const step = (h: number, c: number) => Math.imul(h ^ c, 0x01000193);

/**
 * 2^blocks distinct strings with one and the same hashId (Joux's multicollision): for each block, two pairs of
 * UTF-16 units that lead from the same FNV-1a state to the same next state. The finalizer is a bijection, so equal
 * states give equal hashes. What an adversary choosing task ids can do against any fixed, public hash.
 */
function collidingIds(blocks: number): string[] {
  let h = 0x811c9dc5;
  let ids = [''];
  for (let b = 0; b < blocks; b++) {
    let found: [string, string] | undefined;
    for (let a = 0x41; !found; a++) {
      const ha = step(h, a);
      for (let c = 0; c < 0x10000; c++) {
        if (c === a) continue;
        const x = (ha ^ step(h, c)) >>> 0;
        if (x < 0x10000) {
          // (a, y) and (c, y ^ x) reach the same state: (ha ^ y) == (hc ^ y ^ x).
          const y = 0x42;
          found = [String.fromCharCode(a, y), String.fromCharCode(c, y ^ x)];
          h = step(ha, y);
          break;
        }
      }
    }
    ids = ids.flatMap((prefix) => [prefix + found![0], prefix + found![1]]);
  }
  return ids;
}

describe('IdTable', () => {
  it('finds exactly what a Map finds, across growth (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 0, maxLength: 5000 }),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 50 }),
        (ids, probes) => {
          const table = tableOf(ids);
          const reference = new Map(ids.map((id, i) => [id, i]));
          for (const id of [...ids, ...probes]) expect(table.get(id)).toBe(reference.get(id) ?? -1);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('stays correct when ids are chosen to share one hash', () => {
    const ids = collidingIds(8);
    expect(new Set(ids).size).toBe(256);
    expect(new Set(ids.map(hashId)).size).toBe(1);
    const held = ids.slice(0, 200);
    // Ordinary ids around them, so that growth re-places colliding and plain entries together.
    const plain = Array.from({ length: 3000 }, (_, i) => `task-${i}`);
    const table = tableOf([...plain.slice(0, 1500), ...held, ...plain.slice(1500)]);
    for (const [k, id] of held.entries()) expect(table.get(id)).toBe(1500 + k);
    for (const id of ids.slice(200)) expect(table.get(id)).toBe(-1);
    for (const [i, id] of plain.entries()) expect(table.get(id)).toBe(i < 1500 ? i : i + 200);
  });

  it('finds ids that overflowed their probe run once growth has opened gaps in it', () => {
    const colliding = collidingIds(7);
    const home = hashId(colliding[0]!) & 2047; // the first table has 2048 slots
    // Ordinary ids whose home slots lie just after the colliders' home, to fill their probe run before they come.
    const crowd: string[] = [];
    for (let i = 0; crowd.length < 40; i++) {
      if (((hashId(`crowd-${i}`) & 2047) - home + 2048) % 2048 < 40) crowd.push(`crowd-${i}`);
    }
    const filler = Array.from({ length: 2000 }, (_, i) => `filler-${i}`); // enough to grow the table twice
    const ids = [...crowd, ...colliding, ...filler];
    const table = tableOf(ids);
    for (const [i, id] of ids.entries()) expect(table.get(id)).toBe(i);
  });

  it('lets an EctDag refuse duplicates and find predecessors among colliding ids', () => {
    const ids = collidingIds(7);
    const dag = new EctDag();
    ids.forEach((jti, i) => {
      dag.insert({
        jti,
        wid: 'w',
        iat: 100,
        iss: 'agent',
        exec_act: 'step',
        pred: i === 0 ? [] : [ids[i - 1]!, ids[0]!].slice(0, i === 1 ? 1 : 2),
      });
    });
    expect(dag.size).toBe(128);
    expect(dag.predecessors(ids[127]!)).toEqual([ids[126], ids[0]]);
    expect(() => dag.insert({ jti: ids[64]!, wid: 'w', iat: 100, iss: 'agent', exec_act: 'step', pred: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_ECT_DUPLICATE_JTI' }),
    );
  });
});

describe('ChunkedArray', () => {
  it('holds what was pushed, in order, across chunk boundaries', () => {
    const list = new ChunkedArray<number>();
    const n = 3 * 4096 + 17;
    for (let i = 0; i < n; i++) list.push(i * 3);
    expect(list.length).toBe(n);
    expect(list.at(0)).toBe(0);
    expect(list.at(4095)).toBe(4095 * 3);
    expect(list.at(4096)).toBe(4096 * 3);
    expect(list.toArray()).toEqual(Array.from({ length: n }, (_, i) => i * 3));
  });
});

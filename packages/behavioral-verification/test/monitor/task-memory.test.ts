import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskMemory } from '../../src/monitor/task-memory.js';

/** The reference: the newest `capacity` distinct ids, oldest forgotten first, kept in a plain Map. */
class ReferenceMemory {
  readonly tasks = new Map<string, string>();
  constructor(private readonly capacity: number) {}
  add(jti: string, act: string): void {
    if (this.capacity === 0) return;
    this.tasks.set(jti, act);
    if (this.tasks.size > this.capacity) this.tasks.delete(this.tasks.keys().next().value!);
  }
}

describe('TaskMemory', () => {
  it('answers every lookup as a Map of the newest `capacity` tasks does, through growth and reuse of slots', () => {
    // Ids from a small alphabet collide in fingerprint buckets and repeat, so probe runs form and are cut.
    const id = fc.stringMatching(/^[a-d]{1,3}$/);
    const op = fc.oneof(
      { arbitrary: fc.record({ add: id }), weight: 3 },
      { arbitrary: fc.record({ look: id }), weight: 2 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.array(op, { maxLength: 400 }), (capacity, ops) => {
        const memory = new TaskMemory(capacity);
        const reference = new ReferenceMemory(capacity);
        let n = 0;
        for (const o of ops) {
          if ('add' in o) {
            // The monitor adds a task only when it is not remembered: the same contract here.
            if (memory.has(o.add)) continue;
            const act = `act-${n++}`;
            memory.add(o.add, act, [o.add]);
            reference.add(o.add, act);
          }
          const jti = 'add' in o ? o.add : o.look;
          const slot = memory.slotOf(jti);
          const expected = reference.tasks.get(jti);
          expect(slot >= 0 ? memory.actAt(slot) : undefined).toBe(expected);
          expect(memory.has(jti)).toBe(expected !== undefined);
          if (slot >= 0) expect(memory.predAt(slot)).toEqual([jti]);
        }
        for (const [jti, act] of reference.tasks) expect(memory.actAt(memory.slotOf(jti))).toBe(act);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps 100,000 tasks of a long stream findable and forgets exactly the older ones', () => {
    const memory = new TaskMemory(100_000);
    for (let i = 0; i < 250_000; i++) memory.add(`task-${i}`, `a${i % 7}`, []);
    expect(memory.has('task-149999')).toBe(false);
    for (let i = 150_000; i < 250_000; i += 997) expect(memory.actAt(memory.slotOf(`task-${i}`))).toBe(`a${i % 7}`);
    expect(memory.has('task-249999')).toBe(true);
  });

  it('keeps every field of every task across chunks, the one grown by pushing and those made whole, and reuse', () => {
    // 5,000 tasks: two full chunks and part of a third; the index's last growth is capped by the capacity.
    const memory = new TaskMemory(5_000);
    const check = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const slot = memory.slotOf(`t${i}`);
        expect(memory.actAt(slot)).toBe(`a${i}`);
        expect(memory.predAt(slot)).toEqual([`p${i}`]);
      }
    };
    for (let i = 0; i < 5_000; i++) memory.add(`t${i}`, `a${i}`, [`p${i}`]);
    check(0, 5_000);
    for (let i = 5_000; i < 12_000; i++) memory.add(`t${i}`, `a${i}`, [`p${i}`]);
    check(7_000, 12_000);
    for (let i = 0; i < 7_000; i += 7) expect(memory.has(`t${i}`)).toBe(false);
  });

  it('holds nothing at capacity 0', () => {
    const memory = new TaskMemory(0);
    memory.add('a', 'x', []);
    expect(memory.has('a')).toBe(false);
    expect(memory.slotOf('a')).toBe(-1);
  });
});

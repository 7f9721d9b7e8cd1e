import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/guard/memory-store.js';
import type { GuardState, OverrideStateStore, StateChange } from '../../src/guard/state-store.js';
import { SqliteStateStore } from '../../src/sqlite.js';
import { applyChange } from './model.js';

const dir = mkdtempSync(join(tmpdir(), 'ov-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const stores: {
  name: string;
  open: () => OverrideStateStore;
  reopen?: (s: OverrideStateStore) => OverrideStateStore;
}[] = [
  { name: 'memory', open: () => new MemoryStateStore() },
  {
    name: 'SQLite',
    open: () => new SqliteStateStore(join(dir, `s${++n}.db`)),
    reopen: () => new SqliteStateStore(join(dir, `s${n}.db`)),
  },
];

const stop = {
  jti: 's1',
  ctl: 'ctl',
  order: [1, 2] as [number, number],
  kind: 'stop' as const,
  level: 'emergency' as const,
  category: 0 as const,
  scope: { kind: 'agent' as const, target: 'a', propagate: false },
  halted_at: 10,
  lifted: false,
};
const changes: StateChange[] = [
  {
    signal: { jti: 's1', bytes: new Uint8Array([1, 2]), ctl: 'ctl', order: [1, 2], ack: new Uint8Array([3]) },
    holds: [stop],
    order: { ctl: 'ctl', order: [1, 2] },
    policy: new Uint8Array([9, 9]),
  },
  {
    signal: { jti: 's1', bytes: new Uint8Array([1, 2]), ctl: 'ctl', order: [1, 2], ack: new Uint8Array([4]) },
    addWaiting: [
      { hold: 'p9', lift: 'r1', ctl: 'ctl', order: [1, 5], action: 'resume' },
      { hold: 'p8', lift: 'r1', ctl: 'ctl', order: [1, 5], action: 'resume' },
    ],
    revocations: [{ kid: 'k1', revoked_at: 5 }],
  },
  {
    holds: [{ ...stop, lifted: true }],
    removeWaiting: [{ hold: 'p9', lift: 'r1' }],
    order: { ctl: 'ctl', order: [1, 6] },
    lease: { bytes: new Uint8Array([7]), received_at: 1_000 },
    approval: { jti: 'apr-1', request: new Uint8Array([5]), decisions: [] },
  },
  {
    lease: { bytes: new Uint8Array([8]), received_at: 2_000, unreported_lapse: 40 },
    approval: { jti: 'apr-2', request: new Uint8Array([6]), decisions: [new Uint8Array([1]), new Uint8Array([2])] },
  },
  {
    closeApproval: 'apr-1',
    holds: [{ ...stop, jti: 'lapse:l1', kind: 'lapse', safe_state: 'stop', lapsed_at: 40 }],
    addActions: [{ seq: 0, name: 'pay', time_ms: 1_000 }],
  },
  // A batch whose cut falls inside it: the cut applies after the batch's own actions.
  {
    addActions: [
      { seq: 1, name: 'pay', time_ms: 2_000 },
      { seq: 2, name: 'read', time_ms: 3_000 },
    ],
    forgetActionsBefore: 2,
  },
  { addActions: [{ seq: 3, name: 'pay', time_ms: 4_000, task: 't', workflow: 'w', params: { amount: '2.5', n: 3 } }] },
  // A record forgotten in the change that records the next signal (spec §8.5); a jti never recorded is no error.
  {
    signal: { jti: 's2', bytes: new Uint8Array([5]), ctl: 'ctl', order: [1, 7], ack: new Uint8Array([6]) },
    forgetSignals: ['s1', 'never-seen'],
  },
];
const sorted = (s: GuardState) => ({ ...s, waiting: [...s.waiting].sort((a, b) => a.hold.localeCompare(b.hold)) });

describe.each(stores)('OverrideStateStore contract: $name', ({ open, reopen }) => {
  it('starts empty and holds exactly what the changes say, the latest acknowledgement winning', async () => {
    const store = open();
    const empty = await store.load();
    expect(empty).toEqual({
      signals: [],
      holds: [],
      waiting: [],
      orders: [],
      revocations: [],
      approvals: [],
      actions: [],
    });
    let expected = empty;
    for (const change of changes) {
      await store.commit(change);
      expected = applyChange(expected, change);
      if (change === changes[1]) expect((await store.load()).signals[0]!.ack).toEqual(new Uint8Array([4]));
    }
    const loaded = await store.load();
    expect(sorted(loaded)).toEqual(sorted(expected));
    // The stop was lifted: dropped, and its signal's record forgotten later (spec §8.5).
    expect(loaded.holds.map((h) => h.jti)).toEqual(['lapse:l1']);
    expect(loaded.signals.map((x) => [x.jti, x.ack])).toEqual([['s2', new Uint8Array([6])]]);
    expect(loaded.lease).toEqual({ bytes: new Uint8Array([8]), received_at: 2_000, unreported_lapse: 40 });
    expect(loaded.approvals).toEqual([
      { jti: 'apr-2', request: new Uint8Array([6]), decisions: [new Uint8Array([1]), new Uint8Array([2])] },
    ]);
    expect(loaded.waiting.map((w) => w.hold)).toEqual(['p8']);
    // The recent actions of spec §8.1, whole, those before the cut forgotten.
    expect([...loaded.actions!].sort((a, b) => a.seq - b.seq)).toEqual([
      { seq: 2, name: 'read', time_ms: 3_000 },
      { seq: 3, name: 'pay', time_ms: 4_000, task: 't', workflow: 'w', params: { amount: '2.5', n: 3 } },
    ]);
    if (reopen) {
      await store.close();
      const again = reopen(store);
      expect(sorted(await again.load())).toEqual(sorted(expected));
      await again.close();
    }
  });
});

describe('SqliteStateStore failures', () => {
  it('reports a driver failure as ERR_OV_STORE_FAILED', async () => {
    const store = new SqliteStateStore(':memory:');
    await store.close();
    await expect(store.load()).rejects.toMatchObject({ code: 'ERR_OV_STORE_FAILED' });
  });
});

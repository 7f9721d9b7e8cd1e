import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCbor, publicKeyOf } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { controlPlaneHandler } from '../../src/controller/handler.js';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import type { ControllerStore, NewSignal } from '../../src/controller/store.js';
import { migrateController, PostgresControllerStore } from '../../src/postgres.js';
import { SqliteControllerStore } from '../../src/sqlite.js';
import { openGuard } from '../guard/world.js';
import { agentId, agentKey, emergencyStop, ManualTime, makeController, NOW, serve } from './world.js';

const dir = mkdtempSync(join(tmpdir(), 'ov-ctl-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());
let files = 0;

async function migratedPool() {
  const schema = await schemas!.create();
  const pool = schemas!.pool(schema, 8);
  await migrateController(pool);
  return { schema, pool };
}

const stores: { name: string; skip?: boolean; make: () => Promise<ControllerStore> }[] = [
  { name: 'memory', make: async () => new MemoryControllerStore() },
  { name: 'SQLite', make: async () => new SqliteControllerStore(join(dir, `c${files++}.db`)) },
  {
    name: url ? 'PostgreSQL' : `PostgreSQL (${PG_MISSING})`,
    skip: !url,
    make: async () => new PostgresControllerStore((await migratedPool()).pool),
  },
];

const claim = { instance: 'i1', untilMs: 10_000 };
const signal =
  (jti: string, agents: string[]) =>
  (order: readonly [number, number]): NewSignal => ({
    jti,
    bytes: new Uint8Array([order[1], 7]),
    level: 'emergency',
    deadline: 105,
    exp: 400,
    agents,
  });
const ack = (jti: string, agent: string, status: 'received' | 'complied', s = 's1') => ({
  jti,
  signal: s,
  agent,
  status,
  iat: 101,
  bytes: new Uint8Array([9, jti.length]),
});

describe.each(stores)('ControllerStore contract: $name', ({ make, skip }) => {
  if (skip) {
    it.skip(PG_MISSING, () => {});
    return;
  }

  it('takes increasing orders and records each signal with an outbox entry and delivery per agent', async () => {
    const store = await make();
    const first = await store.issue(signal('s1', ['a', 'b']), claim);
    expect(first.order).toEqual([1, 1]);
    expect(first.positions).toEqual(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
    expect(await store.takeOrder()).toEqual([1, 2]);
    const second = await store.issue(signal('s2', ['b']), claim);
    expect(second.order).toEqual([1, 3]);
    expect(second.positions).toEqual(new Map([['b', 2]]));
    const { positions: _, ...recorded } = first;
    expect(await store.signal('s1')).toEqual(recorded);
    expect(await store.signal('nope')).toBeUndefined();
    expect(await store.outboxAfter('b', 0, 10)).toEqual([
      { position: 1, name: 'ov-signal', bytes: first.bytes },
      { position: 2, name: 'ov-signal', bytes: second.bytes },
    ]);
    expect(await store.outboxAfter('b', 1, 10)).toEqual([{ position: 2, name: 'ov-signal', bytes: second.bytes }]);
    expect(await store.outboxAfter('b', 0, 1)).toHaveLength(1);
    expect(await store.deliveries('s1')).toEqual([
      { signal: 's1', agent: 'a', position: 1, state: 'pending', attempts: 0 },
      { signal: 's1', agent: 'b', position: 1, state: 'pending', attempts: 0 },
    ]);
    // One signal's rows only, whatever else the store holds.
    expect(await store.deliveries('s2')).toEqual([
      { signal: 's2', agent: 'b', position: 2, state: 'pending', attempts: 0 },
    ]);
    expect(await store.deliveries('nope')).toEqual([]);
    expect(await store.acks('nope')).toEqual([]);
    await store.close();
  });

  it('refuses a pre-signed signal that reuses a jti or an order, recording nothing of it', async () => {
    const store = await make();
    const order = await store.takeOrder();
    await store.record({ ...signal('p1', ['a'])(order), order }, claim);
    await expect(store.record({ ...signal('p2', ['a'])(order), order }, claim)).rejects.toMatchObject({
      code: 'ERR_OV_CONFLICT',
    });
    await expect(store.record({ ...signal('p1', ['c'])(order), order: [1, 9] }, claim)).rejects.toMatchObject({
      code: 'ERR_OV_CONFLICT',
    });
    expect(await store.outboxAfter('a', 0, 10)).toHaveLength(1);
    expect(await store.outboxAfter('c', 0, 10)).toEqual([]);
    await store.close();
  });

  it('moves deliveries forward only, counts attempts, and records each acknowledgement once', async () => {
    const store = await make();
    await store.issue(signal('s1', ['a', 'b']), claim);
    await store.updateDelivery('s1', 'a', { attempt: true });
    await store.updateDelivery('s1', 'a', { attempt: true });
    expect(await store.addAck(ack('k1', 'a', 'received'))).toBe(true);
    expect(await store.addAck(ack('k1', 'a', 'received'))).toBe(false);
    // Another agent may use the same jti: keyed by agent, it cannot pre-empt a's acknowledgement.
    expect(await store.addAck(ack('k1', 'b', 'complied'))).toBe(true);
    expect(await store.addAck(ack('k2', 'a', 'complied'))).toBe(true);
    await store.updateDelivery('s1', 'a', { state: 'received' });
    await store.updateDelivery('s1', 'b', { state: 'failed', code: 'ERR_OV_OUT_OF_SCOPE' });
    expect(await store.deliveries('s1')).toEqual([
      { signal: 's1', agent: 'a', position: 1, state: 'final', attempts: 2 },
      { signal: 's1', agent: 'b', position: 1, state: 'final', attempts: 0 },
    ]);
    expect((await store.acks('s1')).map((a) => [a.agent, a.jti, a.status])).toEqual([
      ['a', 'k1', 'received'],
      ['b', 'k1', 'complied'],
      ['a', 'k2', 'complied'],
    ]);
    // A hop's acknowledgement: recorded though nothing was delivered to it.
    expect(await store.addAck(ack('k3', 'hop', 'complied'))).toBe(true);
    await expect(store.updateDelivery('s1', 'nobody', { attempt: true })).rejects.toMatchObject({
      code: 'ERR_OV_CONFIG_INVALID',
    });
    await store.close();
  });

  it('lets another instance claim only what is unsettled and whose claim expired', async () => {
    const store = await make();
    await store.issue(signal('s1', ['a', 'b']), claim);
    await store.updateDelivery('s1', 'b', { state: 'settled' });
    expect(await store.claimDeliveries({ instance: 'i2', untilMs: 20_000 }, 9_999, 10)).toEqual([]);
    const taken = await store.claimDeliveries({ instance: 'i2', untilMs: 20_000 }, 10_000, 10);
    expect(taken.map((d) => [d.signal, d.agent, d.state])).toEqual([['s1', 'a', 'pending']]);
    expect(await store.claimDeliveries({ instance: 'i1', untilMs: 30_000 }, 15_000, 10)).toEqual([]);
    // An attempt renews the claim.
    await store.updateDelivery('s1', 'a', { attempt: true, claim: { instance: 'i2', untilMs: 40_000 } });
    expect(await store.claimDeliveries({ instance: 'i1', untilMs: 50_000 }, 30_000, 10)).toEqual([]);
    await store.close();
  });

  it('keeps records by kind, signal and agent, each jti once', async () => {
    const store = await make();
    const rec = (jti: string, kind: 'evidence' | 'escalation', agent: string, s?: string) => ({
      kind,
      jti,
      agent,
      ...(s ? { signal: s } : {}),
      iat: 5,
      bytes: new Uint8Array([jti.length]),
    });
    await store.addRecord(rec('e1', 'evidence', 'a', 's1'));
    await store.addRecord(rec('e1', 'evidence', 'b', 's1'));
    await store.addRecord(rec('x1', 'escalation', 'a', 's1'));
    await store.addRecord(rec('x2', 'escalation', 'b'));
    expect(await store.records('evidence')).toEqual([rec('e1', 'evidence', 'a', 's1')]);
    expect((await store.records('escalation', { agent: 'b' })).map((r) => r.jti)).toEqual(['x2']);
    expect((await store.records('escalation', { signal: 's1' })).map((r) => r.jti)).toEqual(['x1']);
    await store.close();
  });

  it('prunes settled, expired signals’ outbox entries, deliveries and acks, keeping each newest entry', async () => {
    const store = await make();
    await store.issue(signal('s1', ['a', 'b']), claim); // exp 400: a@1, b@1
    await store.issue(signal('s2', ['b']), claim); // exp 400: b@2
    const late = await store.issue((order) => ({ ...signal('s3', ['a'])(order), exp: 900 }), claim); // a@2
    for (const [jti, agent, s] of [
      ['k1', 'a', 's1'],
      ['k2', 'b', 's1'],
      ['k3', 'b', 's2'],
      ['k4', 'a', 's3'],
    ]) {
      await store.addAck(ack(jti!, agent!, 'complied', s));
    }
    for (const [s, agent] of [
      ['s1', 'a'],
      ['s2', 'b'],
      ['s3', 'a'],
    ]) {
      await store.updateDelivery(s!, agent!, { state: 'settled' });
    }
    // Nothing has expired before 400; s1 is not settled for b; s2 is b's newest entry, so only its ack goes.
    expect(await store.prune({ before: 400 })).toEqual({ deliveries: 0, acks: 0 });
    expect(await store.prune({ before: 401 })).toEqual({ deliveries: 0, acks: 1 });
    expect(await store.acks('s2')).toEqual([]);
    expect((await store.deliveries('s2')).map((d) => d.position)).toEqual([2]);

    await store.updateDelivery('s1', 'b', { state: 'settled' });
    expect(await store.prune({ before: 401 })).toEqual({ deliveries: 2, acks: 2 });
    expect(await store.prune({ before: 401 })).toEqual({ deliveries: 0, acks: 0 });
    expect(await store.deliveries('s1')).toEqual([]);
    expect(await store.acks('s1')).toEqual([]);
    expect(await store.outboxAfter('a', 0, 10)).toEqual([{ position: 2, name: 'ov-signal', bytes: late.bytes }]);
    expect((await store.outboxAfter('b', 0, 10)).map((e) => e.position)).toEqual([2]);
    // The signal and its order stay: a reuse is still a conflict, and positions keep increasing after the prune.
    expect(await store.signal('s1')).toBeDefined();
    await expect(store.record({ ...late, jti: 's1' }, claim)).rejects.toMatchObject({ code: 'ERR_OV_CONFLICT' });
    await store.issue(signal('s4', ['b']), claim);
    expect((await store.deliveries('s4')).map((d) => d.position)).toEqual([3]);
    // What is not expired stays whole.
    expect(await store.acks('s3')).toHaveLength(1);
    expect(await store.deliveries('s3')).toHaveLength(1);
    await store.close();
  });

  it('records a lease in its agent’s outbox, in order with signals, keeping only the newest lease', async () => {
    const store = await make();
    const lease = (jti: string, agent = 'a') => ({
      kind: 'lease' as const,
      jti,
      agent,
      iat: 7,
      bytes: new Uint8Array([3, jti.length]),
    });
    const abort = new AbortController();
    const woken = store.waitForOutbox('a', 0, abort.signal);
    expect(await store.addLease(lease('l1'))).toBe(1);
    await woken; // a lease wakes a waiting reader as a signal does
    await store.issue(signal('s1', ['a']), claim);
    expect(await store.outboxAfter('a', 0, 10)).toMatchObject([
      { position: 1, name: 'ov-lease' },
      { position: 2, name: 'ov-signal' },
    ]);
    // The newest entry is a lease: the next one takes the next position and supersedes it.
    expect(await store.addLease(lease('l2'))).toBe(3);
    expect(await store.addLease(lease('l3'))).toBe(4);
    expect(await store.addLease(lease('l3'))).toBeUndefined(); // the same jti again: nothing
    expect(await store.addLease(lease('m1', 'b'))).toBe(1);
    expect(await store.outboxAfter('a', 0, 10)).toEqual([
      { position: 2, name: 'ov-signal', bytes: new Uint8Array([1, 7]) },
      { position: 4, name: 'ov-lease', bytes: lease('l3').bytes },
    ]);
    expect((await store.records('lease', { agent: 'a' })).map((r) => r.jti)).toEqual(['l1', 'l2', 'l3']);
    // A lease is no delivery: nothing to claim, resend or settle; and a prune keeps it as the newest entry.
    expect((await store.claimDeliveries(claim, 0, 10)).map((d) => d.signal)).toEqual(['s1']);
    expect((await store.deliveries('s1')).map((d) => d.position)).toEqual([2]);
    await store.issue(signal('s2', ['a']), claim);
    expect((await store.deliveries('s2')).map((d) => d.position)).toEqual([5]);
    await store.close();
  });

  it('keeps agent registrations by id, the newest one for each', async () => {
    const store = await make();
    expect(await store.agents()).toEqual([]);
    await store.addAgent({ id: 'a', bytes: new Uint8Array([1]) });
    await store.addAgent({ id: 'b', bytes: new Uint8Array([2]) });
    await store.addAgent({ id: 'a', bytes: new Uint8Array([3]) });
    expect((await store.agents()).sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'a', bytes: new Uint8Array([3]) },
      { id: 'b', bytes: new Uint8Array([2]) },
    ]);
    await store.close();
  });

  it('wakes a reader waiting on an agent’s outbox when a signal for it is recorded', async () => {
    const store = await make();
    const abort = new AbortController();
    let woken = false;
    const waiting = store.waitForOutbox('a', 0, abort.signal).then(() => (woken = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(woken).toBe(false);
    await store.issue(signal('s1', ['b']), claim);
    await new Promise((r) => setTimeout(r, 20));
    expect(woken).toBe(false);
    await store.issue(signal('s2', ['a']), claim);
    await waiting;
    expect(woken).toBe(true);
    // Already there: resolves at once; an aborted wait resolves too.
    await store.waitForOutbox('a', 0);
    const idle = store.waitForOutbox('a', 5, abort.signal);
    abort.abort();
    await idle;
    await store.close();
  });
});

describe.each(stores)('a delivery’s position is its outbox position: $name', ({ make, skip }) => {
  if (skip) {
    it.skip(PG_MISSING, () => {});
    return;
  }

  it('is the position the pull transport names the same entry by, live, from the store and after resume', async () => {
    const store = await make();
    const time = new ManualTime(NOW * 1000);
    const controller = makeController(time, { store });
    // Pull-only agents: the outbox is how the signal reaches them.
    for (const i of [1, 2])
      controller.registerAgent({ id: agentId(i), key: publicKeyOf(agentKey(i)), domains: ['ward-3'] });
    const http = await serve(controlPlaneHandler(controller, { path: '/ctl', pull: { authorize: () => true } }));
    // Agent 2 gets a signal of its own first, so the two agents' positions of the ward's stop differ.
    await controller.issue(emergencyStop({ scope: { kind: 'agent', target: agentId(2), propagate: false } }));
    const issued = await controller.issue(emergencyStop({ reason: 'the ward’s stop' }));
    /** The position the long-poll answer gives the stop in the agent's outbox (spec §7.3). */
    const pulled = async (agent: string) => {
      const response = await fetch(`${http.origin}/ctl/agents/${encodeURIComponent(agent)}/events?after=0&wait=0`);
      const triples = decodeCbor(new Uint8Array(await response.arrayBuffer())) as [number, string, Uint8Array][];
      return triples.find(([, , bytes]) => Buffer.from(bytes).equals(Buffer.from(issued.bytes)))![0];
    };
    const expected = [
      [agentId(1), await pulled(agentId(1))],
      [agentId(2), await pulled(agentId(2))],
    ];
    expect(expected).toEqual([
      [agentId(1), 1],
      [agentId(2), 2],
    ]);
    for (const i of [1, 2]) {
      const { guard } = await openGuard({ agent: agentId(i), key: agentKey(i), domains: ['ward-3'] });
      await controller.acknowledge((await guard.receive(issued.bytes)).ack);
    }
    const positions = (deliveries: { agent: string; position: number }[]) =>
      deliveries.map((d) => [d.agent, d.position]);
    expect(positions(await controller.acknowledged(issued.jti))).toEqual(expected);
    expect(positions(await store.deliveries(issued.jti))).toEqual(expected);
    await controller.close();

    // A restarted instance reports them from the store, then from the deliveries it resumed.
    const again = makeController(time, { store });
    for (const i of [1, 2]) again.registerAgent({ id: agentId(i), key: publicKeyOf(agentKey(i)), domains: ['ward-3'] });
    expect(positions(await again.acknowledged(issued.jti))).toEqual(expected);
    await again.resume();
    expect(positions(await again.acknowledged(issued.jti))).toEqual(expected);
    await again.close();
    await http.close();
    await store.close();
  });
});

describe.skipIf(!url)(`PostgreSQL: concurrent issuers on two pools${url ? '' : ` (${PG_MISSING})`}`, () => {
  it('get unique, increasing orders and gap-free outbox positions', async () => {
    const { schema, pool } = await migratedPool();
    const a = new PostgresControllerStore(pool);
    const b = new PostgresControllerStore(schemas!.pool(schema, 8));
    const issued = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).issue(signal(`c${i}`, ['x', `y${i % 3}`]), claim)),
    );
    const seqs = issued.map((s) => s.order[1]).sort((p, q) => p - q);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // The order each took is the order it committed in: the agent's outbox lists them by increasing order.
    const outbox = await a.outboxAfter('x', 0, 100);
    expect(outbox.map((e) => e.position)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const bySeq = new Map(issued.map((s) => [s.bytes.join(), s.order[1]]));
    const ordersInOutbox = outbox.map((e) => bySeq.get(e.bytes.join())!);
    expect(ordersInOutbox).toEqual([...ordersInOutbox].sort((p, q) => p - q));
  });
});

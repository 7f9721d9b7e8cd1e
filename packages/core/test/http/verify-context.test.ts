import {
  EctDag,
  ect,
  formatExecutionContext,
  fromUtf8,
  isSafetyNetError,
  MemoryReplayCache,
  type ReplayCache,
  verifyExecutionContext,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { agents } from './agents.js';

/** The code a refused field is thrown with. */
async function refusal(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (e) {
    if (isSafetyNetError(e)) return e.code;
    throw e;
  }
  throw new Error('accepted');
}

describe('verifyExecutionContext', () => {
  it('fails closed: no field, an empty field or one of empty elements is ERR_ECT_HEADER_MISSING', async () => {
    const a = agents('missing');
    for (const value of [null, undefined, '', ' , ,', []]) {
      expect(await refusal(verifyExecutionContext(value, { key: a.keys, audience: a.shipping, clock: a.clock }))).toBe(
        'ERR_ECT_HEADER_MISSING',
      );
    }
    expect(await refusal(verifyExecutionContext('a.b', { key: a.keys, clock: a.clock }))).toBe(
      'ERR_ECT_HEADER_INVALID',
    );
  });

  it('verifies both wire forms and returns them in topological order, inserted into the DAG', async () => {
    const a = agents('order');
    const dag = new EctDag();
    const root = a.task('reserve');
    const mid = a.task('pick', [root.jti]);
    const leaf = a.task('hand_over', [mid.jti]);
    // Successors first, forms mixed, one field line and a second one.
    const value = [formatExecutionContext([a.cose(leaf), await a.jws(mid)]), formatExecutionContext([a.cose(root)])];
    const replay = new MemoryReplayCache();
    const context = await verifyExecutionContext(value, {
      key: a.keys,
      audience: a.shipping,
      clock: a.clock,
      replay,
      dag,
    });
    expect(context.ects.map((e) => [e.claims.exec_act, e.format])).toEqual([
      ['reserve', 'cose'],
      ['pick', 'jws'],
      ['hand_over', 'cose'],
    ]);
    expect(context.inserted).toEqual([root.jti, mid.jti, leaf.jti]);
    expect(dag.topologicalOrder()).toEqual([root.jti, mid.jti, leaf.jti]);
    expect(replay.size).toBe(3);
    // The raw bytes are what was sent: they verify again on their own, for a ledger.
    expect(ect.verify(context.ects[0]!.raw, { key: a.keys, clock: a.clock }).ok).toBe(true);
    expect(fromUtf8(context.ects[1]!.raw).split('.')).toHaveLength(3);
  });

  it('orders a batch without a DAG, refusing a cycle and a task id named twice', async () => {
    const a = agents('no-dag');
    const first = a.task('first');
    const second = a.task('second', [first.jti, 'outside-the-batch']);
    const context = await verifyExecutionContext(formatExecutionContext([a.cose(second), a.cose(first)]), {
      key: a.keys,
      clock: a.clock,
    });
    expect(context.ects.map((e) => e.claims.jti)).toEqual([first.jti, second.jti]);
    expect(context.inserted).toEqual([]);
    const x = a.task('x', ['y'], { jti: 'x' });
    const y = a.task('y', ['x'], { jti: 'y' });
    expect(
      await refusal(
        verifyExecutionContext(formatExecutionContext([a.cose(x), a.cose(y)]), { key: a.keys, clock: a.clock }),
      ),
    ).toBe('ERR_ECT_CYCLE');
    expect(
      await refusal(
        verifyExecutionContext(formatExecutionContext([a.cose(first), a.cose(first)]), { key: a.keys, clock: a.clock }),
      ),
    ).toBe('ERR_ECT_DUPLICATE_JTI');
  });

  it('refuses the whole field when one token fails, spending and inserting nothing', async () => {
    const a = agents('one-bad');
    const dag = new EctDag();
    const replay = new MemoryReplayCache();
    const good = a.task('good');
    const elsewhere = a.task('elsewhere', [], { aud: 'spiffe://logistics.example/agent/billing' });
    const options = { key: a.keys, audience: a.shipping, clock: a.clock, replay, dag };
    expect(
      await refusal(verifyExecutionContext(formatExecutionContext([a.cose(good), a.cose(elsewhere)]), options)),
    ).toBe('ERR_CLAIMS_AUDIENCE');
    const tampered = a.cose(a.task('tampered'));
    tampered[tampered.length - 1]! ^= 1;
    expect(await refusal(verifyExecutionContext(formatExecutionContext([a.cose(good), tampered]), options))).toBe(
      'ERR_COSE_BAD_SIGNATURE',
    );
    expect([replay.size, dag.size]).toEqual([0, 0]);
    expect((await verifyExecutionContext(formatExecutionContext([a.cose(good)]), options)).inserted).toEqual([
      good.jti,
    ]);
  });

  it('spends a task id only once the task is accepted: a successor that came first is accepted on retry', async () => {
    const a = agents('out-of-order');
    const dag = new EctDag();
    const replay = new MemoryReplayCache();
    const options = { key: a.keys, audience: a.shipping, clock: a.clock, replay, dag };
    const reserve = a.task('reserve');
    const pick = a.task('pick', [reserve.jti]);
    const pickToken = formatExecutionContext([await a.jws(pick)]);

    // The successor overtakes its predecessor: refused by the DAG, its jti not spent.
    expect(await refusal(verifyExecutionContext(pickToken, options))).toBe('ERR_ECT_PREDECESSOR_MISSING');
    expect(replay.size).toBe(0);
    // The predecessor arrives; the same successor token, retried, is accepted.
    await verifyExecutionContext(formatExecutionContext([a.cose(reserve)]), options);
    expect((await verifyExecutionContext(pickToken, options)).inserted).toEqual([pick.jti]);
    expect(replay.size).toBe(2);
    // A real replay is still refused: by this DAG, which holds the task …
    expect(await refusal(verifyExecutionContext(pickToken, options))).toBe('ERR_ECT_DUPLICATE_JTI');
    // … and by another instance sharing the replay cache but not the DAG.
    const otherInstance = { ...options, dag: new EctDag() };
    expect(await refusal(verifyExecutionContext(formatExecutionContext([a.cose(reserve)]), otherInstance))).toBe(
      'ERR_CLAIMS_REPLAY',
    );
    expect(otherInstance.dag.size).toBe(0);
  });

  it('awaits an asynchronous replay cache, and imports nothing when it refuses', async () => {
    const a = agents('async-cache');
    const seen = new MemoryReplayCache();
    const calls: string[] = [];
    const replay: ReplayCache = {
      async remember(jti, expiresAt, now) {
        calls.push(jti);
        await new Promise((r) => setTimeout(r, 1));
        return seen.remember(jti, expiresAt, now);
      },
    };
    const dag = new EctDag();
    const root = a.task('root');
    const options = { key: a.keys, audience: a.shipping, clock: a.clock, replay, dag };
    await verifyExecutionContext(formatExecutionContext([a.cose(root)]), options);
    expect(calls).toEqual([root.jti]);
    // The id is spent at this cache, yet the DAG of this instance lacks it: the replay cache still refuses.
    const fresh = { ...options, dag: new EctDag() };
    expect(await refusal(verifyExecutionContext(formatExecutionContext([a.cose(root)]), fresh))).toBe(
      'ERR_CLAIMS_REPLAY',
    );
    expect(fresh.dag.size).toBe(0);
  });
});

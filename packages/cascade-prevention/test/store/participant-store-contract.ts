import { expect, it } from 'vitest';
import type { FenceHolder, ParticipantStore } from '../../src/rollback/index.js';

/** A participant store under test, with what a compensation's effect writes through its transaction. */
export interface ParticipantStoreSubject<Tx> {
  readonly store: ParticipantStore<Tx>;
  /** Writes one effect row for `key` through the store's transaction handle. */
  readonly write: (tx: Tx, key: string) => void | Promise<void>;
  /** Effect rows written for `key` and committed. */
  readonly effects: (key: string) => Promise<number>;
  /** The same store opened again, as after a restart; absent for a store that lives in memory only. */
  readonly reopen?: () => Promise<ParticipantStore<Tx>>;
}

const holder = (plan = 'plan-1', rollback = 'rb-1'): FenceHolder => ({ rollback, coordinator: 'coord', plan });
const bytes = (n: number) => Uint8Array.of(n);

/** An effect that writes for `key`, then returns or throws what `after` does: synchronously when `write` is. */
function effect<Tx, R>(write: ParticipantStoreSubject<Tx>['write'], key: string, after: () => R) {
  return (tx: Tx): R | Promise<R> => {
    const written = write(tx, key);
    return written instanceof Promise ? written.then(after) : after();
  };
}

/** The contract every participant store keeps (spec §6.4–6.5), run against each implementation. */
export function participantStoreContract<Tx>(make: () => Promise<ParticipantStoreSubject<Tx>>): void {
  it('counts attempts and keeps the final result', async () => {
    const { store } = await make();
    expect(await store.get('k')).toBeUndefined();
    expect(await store.addAttempt('k', holder())).toBe(1);
    expect(await store.addAttempt('k', holder())).toBe(2);
    expect(await store.get('k')).toEqual({ attempts: 2 });
    await store.setResult('k', bytes(5), holder());
    expect(await store.get('k')).toEqual({ attempts: 2, result: bytes(5) });
  });

  it('raises fences idempotently, lifts them at the end and refuses to raise them again', async () => {
    const { store } = await make();
    expect(await store.raise(holder(), ['r1', 'r2'])).toBe(true);
    expect(await store.raise(holder(), ['r2', 'r3'])).toBe(true);
    expect(await store.raise(holder('plan-2', 'rb-2'), ['r1'])).toBe(true);
    const sorted = (await store.fences()).map((f) => ({ ...f, resources: [...f.resources].sort() }));
    expect(sorted).toEqual(
      expect.arrayContaining([
        { holder: holder(), resources: ['r1', 'r2', 'r3'] },
        { holder: holder('plan-2', 'rb-2'), resources: ['r1'] },
      ]),
    );
    expect(sorted).toHaveLength(2);
    expect(await store.ended(holder())).toBe(false);
    await store.end(holder(), 2000, 1000);
    expect(await store.ended(holder())).toBe(true);
    expect(await store.fences()).toEqual([{ holder: holder('plan-2', 'rb-2'), resources: ['r1'] }]);
    expect(await store.raise(holder(), ['r1'])).toBe(false);
    expect(await store.fences()).toHaveLength(1);
    // Ended plans are forgotten once they can no longer be replayed (ended before `now`).
    await store.end(holder('plan-3'), 5000, 2001);
    expect(await store.ended(holder())).toBe(false);
    expect(await store.ended(holder('plan-3'))).toBe(true);
  });

  it('lets an operator lift every fence of a rollback, whoever raised it', async () => {
    const { store } = await make();
    await store.raise(holder('p1'), ['a']);
    await store.raise({ rollback: 'rb-1', coordinator: 'other', plan: 'p9' }, ['b']);
    await store.raise(holder('p2', 'rb-2'), ['c']);
    await store.releaseRollback('rb-1');
    expect(await store.fences()).toEqual([{ holder: holder('p2', 'rb-2'), resources: ['c'] }]);
  });

  it('remembers the highest lease token per plan and refuses a lower one', async () => {
    const { store } = await make();
    await store.observeLease(holder(), 2);
    await store.observeLease(holder(), 2);
    await store.observeLease(holder(), 3);
    await expect(store.observeLease(holder(), 2)).rejects.toMatchObject({ code: 'ERR_CP_LEASE_LOST' });
    await store.observeLease(holder('plan-2'), 1);
  });

  it('commits an effect with its result once: a second commit of the key runs nothing', async () => {
    const { store, write, effects } = await make();
    await store.addAttempt('k', holder());
    const first = await store.commit(
      'k',
      holder(),
      effect(write, 'k', () => ({ state: 's' })),
      (v) => bytes(v.state.length),
    );
    expect(first).toEqual({ ran: true, value: { state: 's' }, result: bytes(1) });
    expect(await store.get('k')).toEqual({ attempts: 1, result: bytes(1) });
    let ran = false;
    const second = await store.commit(
      'k',
      holder(),
      () => {
        ran = true;
        return { state: 'again' };
      },
      () => bytes(9),
    );
    expect(second).toEqual({ ran: false, result: bytes(1) });
    expect(ran).toBe(false);
    expect(await effects('k')).toBe(1);
  });

  it('records nothing when the effect throws, and hands the effect its own error', async () => {
    const { store, effects } = await make();
    const boom = new Error('disk on fire');
    await expect(
      store.commit(
        'k',
        holder(),
        () => {
          throw boom;
        },
        () => bytes(1),
      ),
    ).rejects.toBe(boom);
    expect((await store.get('k'))?.result).toBeUndefined();
    expect(await effects('k')).toBe(0);
  });
}

/** The part of the contract only transactional stores keep: an effect that fails half-way leaves nothing. */
export function transactionalContract<Tx>(make: () => Promise<ParticipantStoreSubject<Tx>>): void {
  it('rolls back the writes of an effect that throws after writing', async () => {
    const { store, write, effects } = await make();
    await expect(
      store.commit(
        'k',
        holder(),
        effect(write, 'k', () => {
          throw new Error('after the write');
        }),
        () => bytes(1),
      ),
    ).rejects.toThrow('after the write');
    expect(await effects('k')).toBe(0);
    expect((await store.get('k'))?.result).toBeUndefined();
  });

  it('keeps fences, ended plans, tokens and results across a restart', async () => {
    const subject = await make();
    const { store, write } = subject;
    await store.raise(holder(), ['r1']);
    await store.raise(holder('plan-2'), ['r2']);
    await store.end(holder('plan-2'), 10_000, 0);
    await store.observeLease(holder(), 4);
    await store.commit(
      'k',
      holder(),
      effect(write, 'k', () => ({ state: 's' })),
      () => bytes(7),
    );
    const again = await subject.reopen!();
    expect(await again.fences()).toEqual([{ holder: holder(), resources: ['r1'] }]);
    expect(await again.ended(holder('plan-2'))).toBe(true);
    await expect(again.observeLease(holder(), 3)).rejects.toMatchObject({ code: 'ERR_CP_LEASE_LOST' });
    expect(await again.get('k')).toEqual({ attempts: 0, result: bytes(7) });
  });
}

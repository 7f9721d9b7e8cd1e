import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteWitnessStore } from '../../src/sqlite.js';
import { checkpointOf, ORIGIN } from '../notes-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'au-witness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const state = (size: number) => ({ size, rootHash: new Uint8Array(32).fill(size), checkpoint: checkpointOf(size) });

describe('the SQLite witness store', () => {
  it('keeps the latest state, the evidence and the halt across a restart', async () => {
    const file = join(dir, 'witness.db');
    const db = new Database(file);
    const store = new SqliteWitnessStore(db);
    expect(await store.advance(ORIGIN, undefined, state(3))).toEqual({ ok: true });
    expect(await store.advance(ORIGIN, state(3), state(7))).toEqual({ ok: true });
    const evidence = {
      origin: ORIGIN,
      kind: 'same_size',
      a: 'a',
      b: 'b',
      proof: [new Uint8Array(32).fill(9)],
      at: 5,
    } as const;
    await store.keepEvidence(evidence);
    db.close();
    const reopened = new SqliteWitnessStore(file);
    expect(await reopened.latest(ORIGIN)).toEqual(state(7));
    expect(await reopened.evidence(ORIGIN)).toEqual([evidence]);
    expect(await reopened.halted(ORIGIN)).toBe(true);
  });

  it('compares and sets: a stale expected state (size or root) changes nothing and reports the size held', async () => {
    const store = new SqliteWitnessStore(':memory:');
    await store.advance(ORIGIN, undefined, state(3));
    expect(await store.advance(ORIGIN, undefined, state(4))).toEqual({ ok: false, size: 3 });
    expect(await store.advance(ORIGIN, { ...state(3), rootHash: new Uint8Array(32) }, state(4))).toEqual({
      ok: false,
      size: 3,
    });
    expect((await store.latest(ORIGIN))?.size).toBe(3);
  });

  it('reports a driver failure as ERR_AU_STORE_FAILED', async () => {
    const db = new Database(':memory:');
    const store = new SqliteWitnessStore(db);
    db.close();
    await expect(store.latest(ORIGIN)).rejects.toThrow(expect.objectContaining({ code: 'ERR_AU_STORE_FAILED' }));
  });
});

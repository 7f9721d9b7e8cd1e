import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type SqliteDatabase, SqliteParticipantStore, SqliteRollbackStore } from '../../src/sqlite.js';

// The stores accept an open better-sqlite3 handle through a structural type of their own (the published
// declarations must not need @types/better-sqlite3); this is also the compile-time proof that the real handle fits.

describe('SQLite stores on an application-owned better-sqlite3 handle', () => {
  it('share one handle with each other and with the application', async () => {
    const db = new Database(':memory:');
    const handle: SqliteDatabase = db;
    db.exec('CREATE TABLE app (x INTEGER)');
    const store = new SqliteRollbackStore(handle);
    const record = new SqliteParticipantStore(db);
    await store.create({
      rollback: 'rb',
      digest: 'd',
      request: new Uint8Array([1]),
      plan: new Uint8Array(),
      steps: [0],
    });
    await record.setResult('k', new Uint8Array([2]));
    expect(db.prepare('SELECT id FROM cp_rollback').all()).toEqual([{ id: 'rb' }]);
    expect(await record.get('k')).toEqual({ attempts: 0, result: new Uint8Array([2]) });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});

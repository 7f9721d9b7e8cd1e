import type { SqliteDatabase } from '@safety-net/core';
import { auError } from '../errors.js';
import { openSqlite, sqliteCall } from '../store/sqlite-open.js';
import {
  type ForwardedRow,
  forwardedOf,
  intentBody,
  intentOf,
  type RecordRow,
  receivedAnswer,
  receivedOf,
  recordOf,
} from './disclosure-rows.js';
import type {
  DisclosureStore,
  ErasureIntent,
  ForwardedRequest,
  HoldRecord,
  PeerAnswer,
  PendingErasure,
  ReceivedRequest,
  SealedDisclosure,
  StoredRecord,
  WrappedKey,
} from './disclosure-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS au_sd_record (
  leaf_hash BLOB PRIMARY KEY, idx INTEGER NOT NULL, token BLOB NOT NULL, profiles TEXT NOT NULL, wid TEXT NOT NULL,
  stitches TEXT NOT NULL, keep_until INTEGER NOT NULL, delete_at INTEGER
);
CREATE TABLE IF NOT EXISTS au_sd_ect (ect TEXT NOT NULL, leaf_hash BLOB NOT NULL, PRIMARY KEY (ect, leaf_hash));
CREATE TABLE IF NOT EXISTS au_sd_sealed (
  leaf_hash BLOB NOT NULL, digest TEXT NOT NULL, owner TEXT NOT NULL, path TEXT NOT NULL, element INTEGER NOT NULL,
  box BLOB NOT NULL,
  PRIMARY KEY (leaf_hash, digest)
);
CREATE INDEX IF NOT EXISTS au_sd_sealed_owner ON au_sd_sealed (owner);
CREATE TABLE IF NOT EXISTS au_sd_erased (leaf_hash BLOB NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (leaf_hash, digest));
CREATE TABLE IF NOT EXISTS au_sd_key (owner TEXT PRIMARY KEY, kek TEXT NOT NULL, wrapped BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS au_sd_intent (id TEXT PRIMARY KEY, intent TEXT NOT NULL, tombstone BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS au_sd_hold (issuer TEXT NOT NULL, hold TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (issuer, hold));
CREATE TABLE IF NOT EXISTS au_sd_pending (owner TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS au_sd_forwarded (jti TEXT PRIMARY KEY, peer TEXT NOT NULL, request BLOB NOT NULL, answer TEXT);
CREATE TABLE IF NOT EXISTS au_sd_received (jti TEXT PRIMARY KEY, digest TEXT NOT NULL, answer TEXT NOT NULL);
`;

interface SealedRow {
  leaf_hash: Uint8Array;
  digest: string;
  owner: string;
  path: string;
  element: number;
  box: Uint8Array;
}

const bytes = (b: Uint8Array) => new Uint8Array(b);

/**
 * The disclosure store in SQLite (better-sqlite3; WAL, `synchronous = FULL`, `secure_delete` on, spec §7.2): a
 * destruction zeroes the deleted rows' bytes in the database file and then truncates the write-ahead log, so neither
 * file keeps a destroyed key or ciphertext.
 */
export class SqliteDisclosureStore implements DisclosureStore {
  readonly #db: SqliteDatabase;
  readonly #owned: boolean;

  /** `database`: a file path (`':memory:'` for a private in-memory database) or an open better-sqlite3 handle. */
  constructor(database: string | SqliteDatabase) {
    this.#owned = typeof database === 'string';
    this.#db = openSqlite(database, SCHEMA, ['secure_delete = ON']);
  }

  async putRecord(record: StoredRecord, sealed: readonly SealedDisclosure[], keys: readonly WrappedKey[]) {
    const db = this.#db;
    sqliteCall('put record', () =>
      db
        .transaction(() => {
          db.prepare(
            'INSERT OR REPLACE INTO au_sd_record (leaf_hash, idx, token, profiles, wid, stitches, keep_until, delete_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          ).run(
            record.leafHash,
            record.index,
            record.token,
            JSON.stringify(record.profiles),
            record.wid,
            JSON.stringify(record.stitches),
            record.keepUntil,
            record.deleteAt ?? null,
          );
          const ect = db.prepare('INSERT OR IGNORE INTO au_sd_ect (ect, leaf_hash) VALUES (?, ?)');
          for (const e of record.ects) ect.run(e, record.leafHash);
          const put = db.prepare(
            'INSERT OR REPLACE INTO au_sd_sealed (leaf_hash, digest, owner, path, element, box) VALUES (?, ?, ?, ?, ?, ?)',
          );
          for (const s of sealed) put.run(s.leafHash, s.digest, s.owner, s.path, s.element ? 1 : 0, s.box);
          const key = db.prepare('INSERT OR IGNORE INTO au_sd_key (owner, kek, wrapped) VALUES (?, ?, ?)');
          for (const k of keys) {
            // Another process made this subject's key first: roll back, the vault seals under that key instead.
            if (key.run(k.owner, k.kek, k.wrapped).changes === 0) {
              throw auError('ERR_AU_CONFLICT', `a key of ${k.owner} was stored meanwhile`);
            }
          }
        })
        .immediate(),
    );
  }

  async record(leafHash: Uint8Array) {
    const row = sqliteCall('record', () =>
      this.#db.prepare('SELECT * FROM au_sd_record WHERE leaf_hash = ?').get(leafHash),
    ) as RecordRow | undefined;
    return row && this.#record(row);
  }

  async recordsByEct(ect: string) {
    const rows = sqliteCall('records by ect', () =>
      this.#db
        .prepare(
          'SELECT r.* FROM au_sd_record r JOIN au_sd_ect e ON e.leaf_hash = r.leaf_hash WHERE e.ect = ? ORDER BY r.idx',
        )
        .all(ect),
    ) as RecordRow[];
    return rows.map((r) => this.#record(r));
  }

  async recordsDue(now: number) {
    const rows = sqliteCall('records due', () =>
      this.#db
        .prepare(
          `SELECT r.* FROM au_sd_record r WHERE r.delete_at IS NOT NULL AND r.delete_at <= ?
           AND EXISTS (SELECT 1 FROM au_sd_sealed s WHERE s.leaf_hash = r.leaf_hash) ORDER BY r.idx`,
        )
        .all(now),
    ) as RecordRow[];
    return rows.map((r) => this.#record(r));
  }

  async disclosures(leafHash: Uint8Array) {
    return this.#sealed('SELECT * FROM au_sd_sealed WHERE leaf_hash = ? ORDER BY digest', leafHash);
  }

  async disclosuresOf(owner: string) {
    return this.#sealed('SELECT * FROM au_sd_sealed WHERE owner = ? ORDER BY leaf_hash, digest', owner);
  }

  async erased(leafHash: Uint8Array, digest?: string) {
    const row = sqliteCall('erased', () =>
      digest === undefined
        ? this.#db.prepare('SELECT 1 FROM au_sd_erased WHERE leaf_hash = ? LIMIT 1').get(leafHash)
        : this.#db.prepare('SELECT 1 FROM au_sd_erased WHERE leaf_hash = ? AND digest = ?').get(leafHash, digest),
    );
    return row !== undefined;
  }

  async wrappedKey(owner: string) {
    const row = sqliteCall('key', () => this.#db.prepare('SELECT * FROM au_sd_key WHERE owner = ?').get(owner)) as
      | WrappedKey
      | undefined;
    return row && { owner: row.owner, kek: row.kek, wrapped: bytes(row.wrapped) };
  }

  async wrappedKeys() {
    const rows = sqliteCall('keys', () =>
      this.#db.prepare('SELECT * FROM au_sd_key ORDER BY owner').all(),
    ) as WrappedKey[];
    return rows.map((row) => ({ owner: row.owner, kek: row.kek, wrapped: bytes(row.wrapped) }));
  }

  async rewrap(keys: readonly WrappedKey[]) {
    const db = this.#db;
    sqliteCall('rewrap', () =>
      db
        .transaction(() => {
          const update = db.prepare('UPDATE au_sd_key SET kek = ?, wrapped = ? WHERE owner = ?');
          for (const k of keys) update.run(k.kek, k.wrapped, k.owner);
        })
        .immediate(),
    );
    this.#truncateWal();
  }

  async destroy(intent: ErasureIntent) {
    const db = this.#db;
    const done = sqliteCall('destroy', () =>
      db
        .transaction(() => {
          // Another process destroyed some of them first: change nothing, the caller reads the store again.
          const held = db.prepare('SELECT 1 FROM au_sd_sealed WHERE leaf_hash = ? AND digest = ?');
          if (intent.destroyed.some((d) => held.get(d.leafHash, d.digest) === undefined)) return false;
          const del = db.prepare('DELETE FROM au_sd_sealed WHERE leaf_hash = ? AND digest = ?');
          const mark = db.prepare('INSERT OR IGNORE INTO au_sd_erased (leaf_hash, digest) VALUES (?, ?)');
          for (const d of intent.destroyed) {
            del.run(d.leafHash, d.digest);
            mark.run(d.leafHash, d.digest);
          }
          if (intent.owner !== undefined) {
            db.prepare('DELETE FROM au_sd_key WHERE owner = ?').run(intent.owner);
            db.prepare('DELETE FROM au_sd_pending WHERE owner = ?').run(intent.owner);
          }
          db.prepare('INSERT INTO au_sd_intent (id, intent, tombstone) VALUES (?, ?, ?)').run(
            intent.id,
            intentBody(intent),
            intent.tombstone,
          );
          return true;
        })
        .immediate(),
    );
    if (!done) return false;
    this.#truncateWal();
    return true;
  }

  async intents() {
    const rows = sqliteCall('intents', () => this.#db.prepare('SELECT * FROM au_sd_intent ORDER BY id').all()) as {
      id: string;
      intent: string;
      tombstone: Uint8Array;
    }[];
    return rows.map((r) => intentOf(r.id, r.intent, r.tombstone));
  }

  async completeIntent(id: string) {
    sqliteCall('complete intent', () => this.#db.prepare('DELETE FROM au_sd_intent WHERE id = ?').run(id));
  }

  async holds() {
    const rows = sqliteCall('holds', () =>
      this.#db.prepare('SELECT body FROM au_sd_hold ORDER BY issuer, hold').all(),
    ) as {
      body: string;
    }[];
    return rows.map((r) => JSON.parse(r.body) as HoldRecord);
  }

  async putHold(hold: HoldRecord) {
    sqliteCall('put hold', () =>
      this.#db
        .prepare('INSERT OR REPLACE INTO au_sd_hold (issuer, hold, body) VALUES (?, ?, ?)')
        .run(hold.issuer, hold.hold, JSON.stringify(hold)),
    );
  }

  async removeHold(hold: string, issuer: string) {
    sqliteCall('remove hold', () =>
      this.#db.prepare('DELETE FROM au_sd_hold WHERE issuer = ? AND hold = ?').run(issuer, hold),
    );
  }

  async pending() {
    const rows = sqliteCall('pending', () =>
      this.#db.prepare('SELECT body FROM au_sd_pending ORDER BY owner').all(),
    ) as {
      body: string;
    }[];
    return rows.map((r) => JSON.parse(r.body) as PendingErasure);
  }

  async putPending(pending: PendingErasure) {
    sqliteCall('put pending', () =>
      this.#db
        .prepare('INSERT OR REPLACE INTO au_sd_pending (owner, body) VALUES (?, ?)')
        .run(pending.owner, JSON.stringify(pending)),
    );
  }

  async putForwarded(requests: readonly ForwardedRequest[]) {
    const db = this.#db;
    sqliteCall('put forwarded', () =>
      db
        .transaction(() => {
          const put = db.prepare('INSERT OR IGNORE INTO au_sd_forwarded (jti, peer, request) VALUES (?, ?, ?)');
          for (const r of requests) put.run(r.jti, r.peer, r.request);
        })
        .immediate(),
    );
  }

  async forwarded() {
    const rows = sqliteCall('forwarded', () =>
      this.#db.prepare('SELECT * FROM au_sd_forwarded ORDER BY jti').all(),
    ) as ForwardedRow[];
    return rows.map(forwardedOf);
  }

  async answerForwarded(jti: string, answer: PeerAnswer) {
    sqliteCall('answer forwarded', () =>
      this.#db.prepare('UPDATE au_sd_forwarded SET answer = ? WHERE jti = ?').run(JSON.stringify(answer), jti),
    );
  }

  async received(jti: string) {
    const row = sqliteCall('received', () => this.#db.prepare('SELECT * FROM au_sd_received WHERE jti = ?').get(jti)) as
      | { jti: string; digest: string; answer: string }
      | undefined;
    return row && receivedOf(row);
  }

  async putReceived(request: ReceivedRequest) {
    sqliteCall('put received', () =>
      this.#db
        .prepare('INSERT OR REPLACE INTO au_sd_received (jti, digest, answer) VALUES (?, ?, ?)')
        .run(request.jti, request.digest, receivedAnswer(request)),
    );
  }

  async close() {
    if (this.#owned) sqliteCall('close', () => this.#db.close());
  }

  /**
   * Old page images of destroyed rows live on in the write-ahead log until it is checkpointed and truncated;
   * a reader holding an old snapshot can delay this, and the next destruction retries.
   */
  #truncateWal(): void {
    sqliteCall('checkpoint', () => this.#db.pragma('wal_checkpoint(TRUNCATE)'));
  }

  #record(row: RecordRow): StoredRecord {
    const ects = sqliteCall('ects', () =>
      this.#db.prepare('SELECT ect FROM au_sd_ect WHERE leaf_hash = ? ORDER BY ect').all(row.leaf_hash),
    ) as { ect: string }[];
    return recordOf(
      row,
      ects.map((e) => e.ect),
    );
  }

  #sealed(sql: string, param: unknown): SealedDisclosure[] {
    const rows = sqliteCall('disclosures', () => this.#db.prepare(sql).all(param)) as SealedRow[];
    return rows.map((r) => ({
      leafHash: bytes(r.leaf_hash),
      digest: r.digest,
      owner: r.owner,
      path: r.path,
      element: r.element === 1,
      box: bytes(r.box),
    }));
  }
}

import { inTransaction, type StoreFailure, storeCall, toBytea } from '@safety-net/core/internal';
import { type PgPool, runMigrations } from '@safety-net/core/postgres';
import { auError } from '../errors.js';
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

const fail: StoreFailure = (detail, options) => auError('ERR_AU_STORE_FAILED', detail, options);

/** The disclosure store's tables, one string per schema version. Append a step to change them; never edit one. */
const STEPS = [
  `CREATE TABLE au_sd_record (
     leaf_hash BYTEA PRIMARY KEY, idx BIGINT NOT NULL, token BYTEA NOT NULL, profiles TEXT NOT NULL, wid TEXT NOT NULL,
     stitches TEXT NOT NULL, keep_until BIGINT NOT NULL, delete_at BIGINT
   );
   CREATE TABLE au_sd_ect (ect TEXT NOT NULL, leaf_hash BYTEA NOT NULL, PRIMARY KEY (ect, leaf_hash));
   CREATE TABLE au_sd_sealed (
     leaf_hash BYTEA NOT NULL, digest TEXT NOT NULL, owner TEXT NOT NULL, path TEXT NOT NULL, element BOOLEAN NOT NULL,
     box BYTEA NOT NULL, PRIMARY KEY (leaf_hash, digest)
   );
   CREATE INDEX au_sd_sealed_owner ON au_sd_sealed (owner);
   CREATE TABLE au_sd_erased (leaf_hash BYTEA NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (leaf_hash, digest));
   CREATE TABLE au_sd_key (owner TEXT PRIMARY KEY, kek TEXT NOT NULL, wrapped BYTEA NOT NULL);
   CREATE TABLE au_sd_intent (id TEXT PRIMARY KEY, intent TEXT NOT NULL, tombstone BYTEA NOT NULL);
   CREATE TABLE au_sd_hold (issuer TEXT NOT NULL, hold TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (issuer, hold));
   CREATE TABLE au_sd_pending (owner TEXT PRIMARY KEY, body TEXT NOT NULL);
   CREATE TABLE au_sd_forwarded (jti TEXT PRIMARY KEY, peer TEXT NOT NULL, request BYTEA NOT NULL, answer TEXT);
   CREATE TABLE au_sd_received (jti TEXT PRIMARY KEY, digest TEXT NOT NULL, answer TEXT NOT NULL);`,
];

/** The tables whose deleted rows held keys, ciphertext or pseudonyms: vacuumed after every destruction. */
const VACUUMED = 'au_sd_sealed, au_sd_key, au_sd_pending';

/**
 * Creates or upgrades the disclosure store's tables in the pool's current schema; idempotent and safe when several
 * instances start at once. Run it once at start-up.
 */
export function migrateDisclosures(pool: PgPool): Promise<number> {
  return runMigrations(pool, { component: 'cross-domain-audit-disclosures', steps: STEPS, fail });
}

interface SealedRow {
  leaf_hash: Uint8Array;
  digest: string;
  owner: string;
  path: string;
  element: boolean;
  box: Uint8Array;
}
interface KeyRow {
  owner: string;
  kek: string;
  wrapped: Uint8Array;
}

const keyOf = (row: KeyRow): WrappedKey => ({ owner: row.owner, kek: row.kek, wrapped: new Uint8Array(row.wrapped) });

/**
 * The disclosure store in PostgreSQL (spec §7.2), for a log domain run as several instances on one database. A
 * destruction is one transaction that deletes the rows under their row locks, so of two instances erasing one
 * subject at once exactly one commits the destruction and its tombstone's intent; the other finds the rows gone
 * and destroys nothing. After the commit the store runs `VACUUM` on the tables that held the destroyed rows, so
 * their dead tuples are removed and the space made reusable; PostgreSQL does not zero that space, nor the
 * write-ahead log, archives, backups or replicas, which the operator bounds (spec §7.2).
 *
 * @example
 * ```ts
 * await migrateDisclosures(pool);
 * const vault = new DisclosureVault({ store: new PostgresDisclosureStore(pool), kek });
 * ```
 */
export class PostgresDisclosureStore implements DisclosureStore {
  readonly #pool: PgPool;

  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  putRecord(record: StoredRecord, sealed: readonly SealedDisclosure[], keys: readonly WrappedKey[]): Promise<void> {
    return storeCall(fail, 'put record', () =>
      inTransaction(this.#pool, async (c) => {
        await c.query(
          `INSERT INTO au_sd_record (leaf_hash, idx, token, profiles, wid, stitches, keep_until, delete_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (leaf_hash) DO UPDATE SET idx = excluded.idx, token = excluded.token,
             profiles = excluded.profiles, wid = excluded.wid, stitches = excluded.stitches,
             keep_until = excluded.keep_until, delete_at = excluded.delete_at`,
          [
            toBytea(record.leafHash),
            record.index,
            toBytea(record.token),
            JSON.stringify(record.profiles),
            record.wid,
            JSON.stringify(record.stitches),
            record.keepUntil,
            record.deleteAt ?? null,
          ],
        );
        for (const e of record.ects) {
          await c.query('INSERT INTO au_sd_ect (ect, leaf_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
            e,
            toBytea(record.leafHash),
          ]);
        }
        for (const s of sealed) {
          await c.query(
            `INSERT INTO au_sd_sealed (leaf_hash, digest, owner, path, element, box) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (leaf_hash, digest) DO UPDATE SET owner = excluded.owner, path = excluded.path,
               element = excluded.element, box = excluded.box`,
            [toBytea(s.leafHash), s.digest, s.owner, s.path, s.element, toBytea(s.box)],
          );
        }
        for (const k of keys) {
          const put = await c.query(
            'INSERT INTO au_sd_key (owner, kek, wrapped) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
            [k.owner, k.kek, toBytea(k.wrapped)],
          );
          // Another instance made this subject's key first: roll back, the vault seals under that key instead.
          if (put.rowCount !== 1) throw auError('ERR_AU_CONFLICT', `a key of ${k.owner} was stored meanwhile`);
        }
      }),
    );
  }

  async record(leafHash: Uint8Array) {
    return (await this.#records('SELECT * FROM au_sd_record WHERE leaf_hash = $1', [toBytea(leafHash)]))[0];
  }

  recordsByEct(ect: string) {
    return this.#records(
      'SELECT r.* FROM au_sd_record r JOIN au_sd_ect e ON e.leaf_hash = r.leaf_hash WHERE e.ect = $1 ORDER BY r.idx',
      [ect],
    );
  }

  recordsDue(now: number) {
    return this.#records(
      `SELECT r.* FROM au_sd_record r WHERE r.delete_at IS NOT NULL AND r.delete_at <= $1
       AND EXISTS (SELECT 1 FROM au_sd_sealed s WHERE s.leaf_hash = r.leaf_hash) ORDER BY r.idx`,
      [now],
    );
  }

  disclosures(leafHash: Uint8Array) {
    return this.#sealed(
      'SELECT * FROM au_sd_sealed WHERE leaf_hash = $1 ORDER BY digest COLLATE "C"',
      toBytea(leafHash),
    );
  }

  disclosuresOf(owner: string) {
    return this.#sealed('SELECT * FROM au_sd_sealed WHERE owner = $1 ORDER BY leaf_hash, digest COLLATE "C"', owner);
  }

  async erased(leafHash: Uint8Array, digest?: string) {
    const rows =
      digest === undefined
        ? await this.#rows('erased', 'SELECT 1 FROM au_sd_erased WHERE leaf_hash = $1 LIMIT 1', [toBytea(leafHash)])
        : await this.#rows('erased', 'SELECT 1 FROM au_sd_erased WHERE leaf_hash = $1 AND digest = $2', [
            toBytea(leafHash),
            digest,
          ]);
    return rows.length > 0;
  }

  async wrappedKey(owner: string) {
    const [row] = await this.#rows<KeyRow>('key', 'SELECT * FROM au_sd_key WHERE owner = $1', [owner]);
    return row && keyOf(row);
  }

  async wrappedKeys() {
    return (await this.#rows<KeyRow>('keys', 'SELECT * FROM au_sd_key ORDER BY owner COLLATE "C"')).map(keyOf);
  }

  rewrap(keys: readonly WrappedKey[]): Promise<void> {
    return storeCall(fail, 'rewrap', () =>
      inTransaction(this.#pool, async (c) => {
        // An UPDATE of a key destroyed meanwhile matches no row: a destroyed key stays destroyed.
        for (const k of keys) {
          await c.query('UPDATE au_sd_key SET kek = $1, wrapped = $2 WHERE owner = $3', [
            k.kek,
            toBytea(k.wrapped),
            k.owner,
          ]);
        }
      }),
    );
  }

  async destroy(intent: ErasureIntent): Promise<boolean> {
    const done = await storeCall(fail, 'destroy', () =>
      lostAsFalse(
        inTransaction(this.#pool, async (c) => {
          for (const d of intent.destroyed) {
            // Row-locked: a concurrent destruction of the same row waits for this one and then deletes nothing.
            const deleted = await c.query('DELETE FROM au_sd_sealed WHERE leaf_hash = $1 AND digest = $2', [
              toBytea(d.leafHash),
              d.digest,
            ]);
            if (deleted.rowCount !== 1) throw LOST;
            await c.query('INSERT INTO au_sd_erased (leaf_hash, digest) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
              toBytea(d.leafHash),
              d.digest,
            ]);
          }
          if (intent.owner !== undefined) {
            await c.query('DELETE FROM au_sd_key WHERE owner = $1', [intent.owner]);
            await c.query('DELETE FROM au_sd_pending WHERE owner = $1', [intent.owner]);
          }
          await c.query('INSERT INTO au_sd_intent (id, intent, tombstone) VALUES ($1, $2, $3)', [
            intent.id,
            intentBody(intent),
            toBytea(intent.tombstone),
          ]);
          return true;
        }),
      ),
    );
    if (done) await storeCall(fail, 'vacuum', () => this.#pool.query(`VACUUM ${VACUUMED}`));
    return done;
  }

  async intents() {
    const rows = await this.#rows<{ id: string; intent: string; tombstone: Uint8Array }>(
      'intents',
      'SELECT * FROM au_sd_intent ORDER BY id COLLATE "C"',
    );
    return rows.map((r) => intentOf(r.id, r.intent, r.tombstone));
  }

  async completeIntent(id: string) {
    await this.#rows('complete intent', 'DELETE FROM au_sd_intent WHERE id = $1', [id]);
  }

  async holds() {
    const rows = await this.#rows<{ body: string }>(
      'holds',
      'SELECT body FROM au_sd_hold ORDER BY issuer COLLATE "C", hold COLLATE "C"',
    );
    return rows.map((r) => JSON.parse(r.body) as HoldRecord);
  }

  async putHold(hold: HoldRecord) {
    await this.#rows(
      'put hold',
      `INSERT INTO au_sd_hold (issuer, hold, body) VALUES ($1, $2, $3)
       ON CONFLICT (issuer, hold) DO UPDATE SET body = excluded.body`,
      [hold.issuer, hold.hold, JSON.stringify(hold)],
    );
  }

  async removeHold(hold: string, issuer: string) {
    await this.#rows('remove hold', 'DELETE FROM au_sd_hold WHERE issuer = $1 AND hold = $2', [issuer, hold]);
  }

  async pending() {
    const rows = await this.#rows<{ body: string }>(
      'pending',
      'SELECT body FROM au_sd_pending ORDER BY owner COLLATE "C"',
    );
    return rows.map((r) => JSON.parse(r.body) as PendingErasure);
  }

  async putPending(pending: PendingErasure) {
    await this.#rows(
      'put pending',
      `INSERT INTO au_sd_pending (owner, body) VALUES ($1, $2)
       ON CONFLICT (owner) DO UPDATE SET body = excluded.body`,
      [pending.owner, JSON.stringify(pending)],
    );
  }

  putForwarded(requests: readonly ForwardedRequest[]): Promise<void> {
    return storeCall(fail, 'put forwarded', () =>
      inTransaction(this.#pool, async (c) => {
        for (const r of requests) {
          await c.query('INSERT INTO au_sd_forwarded (jti, peer, request) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
            r.jti,
            r.peer,
            toBytea(r.request),
          ]);
        }
      }),
    );
  }

  async forwarded() {
    const rows = await this.#rows<ForwardedRow>('forwarded', 'SELECT * FROM au_sd_forwarded ORDER BY jti COLLATE "C"');
    return rows.map(forwardedOf);
  }

  async answerForwarded(jti: string, answer: PeerAnswer) {
    await this.#rows('answer forwarded', 'UPDATE au_sd_forwarded SET answer = $1 WHERE jti = $2', [
      JSON.stringify(answer),
      jti,
    ]);
  }

  async received(jti: string) {
    const [row] = await this.#rows<{ jti: string; digest: string; answer: string }>(
      'received',
      'SELECT * FROM au_sd_received WHERE jti = $1',
      [jti],
    );
    return row && receivedOf(row);
  }

  async putReceived(request: ReceivedRequest) {
    await this.#rows(
      'put received',
      `INSERT INTO au_sd_received (jti, digest, answer) VALUES ($1, $2, $3)
       ON CONFLICT (jti) DO UPDATE SET digest = excluded.digest, answer = excluded.answer`,
      [request.jti, request.digest, receivedAnswer(request)],
    );
  }

  /** The pool belongs to the application, which ends it. */
  async close() {}

  #rows<T>(what: string, sql: string, params: unknown[] = []): Promise<T[]> {
    return storeCall(fail, what, async () => (await this.#pool.query(sql, params)).rows as T[]);
  }

  async #records(sql: string, params: unknown[]): Promise<StoredRecord[]> {
    const rows = await this.#rows<RecordRow>('records', sql, params);
    const out: StoredRecord[] = [];
    for (const row of rows) {
      const ects = await this.#rows<{ ect: string }>(
        'ects',
        'SELECT ect FROM au_sd_ect WHERE leaf_hash = $1 ORDER BY ect COLLATE "C"',
        [toBytea(row.leaf_hash)],
      );
      out.push(
        recordOf(
          row,
          ects.map((e) => e.ect),
        ),
      );
    }
    return out;
  }

  async #sealed(sql: string, param: unknown): Promise<SealedDisclosure[]> {
    const rows = await this.#rows<SealedRow>('disclosures', sql, [param]);
    return rows.map((r) => ({
      leafHash: new Uint8Array(r.leaf_hash),
      digest: r.digest,
      owner: r.owner,
      path: r.path,
      element: r.element,
      box: new Uint8Array(r.box),
    }));
  }
}

/** Thrown inside a destruction to roll it back when another instance destroyed one of its rows first. */
const LOST = Symbol('destroyed by another instance');

const lostAsFalse = (run: Promise<boolean>) =>
  run.catch((e: unknown) => {
    if (e === LOST) return false;
    throw e;
  });

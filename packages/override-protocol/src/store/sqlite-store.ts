import { type SqliteDatabase as Db, fromBase64Url, isSafetyNetError, toBase64Url } from '@safety-net/core';
import Database from 'better-sqlite3';
import { ovError } from '../errors.js';
import { type Hold, retained } from '../guard/hold.js';
import type {
  GuardState,
  LeaseRecord,
  OverrideStateStore,
  PendingApproval,
  RecentAction,
  StateChange,
  WaitingLift,
} from '../guard/state-store.js';
import type { Order } from '../messages/common.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ov_signal (
  jti TEXT PRIMARY KEY, bytes BLOB NOT NULL, ctl TEXT NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,
  ack BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS ov_hold (jti TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ov_waiting (hold TEXT NOT NULL, lift TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (hold, lift));
CREATE TABLE IF NOT EXISTS ov_order (ctl TEXT PRIMARY KEY, epoch INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ov_policy (id INTEGER PRIMARY KEY CHECK (id = 1), bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ov_revocation (kid TEXT PRIMARY KEY, revoked_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ov_lease (
  id INTEGER PRIMARY KEY CHECK (id = 1), bytes BLOB NOT NULL, received_at INTEGER NOT NULL, unreported_lapse INTEGER
);
CREATE TABLE IF NOT EXISTS ov_approval (jti TEXT PRIMARY KEY, request BLOB NOT NULL, decisions TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ov_action (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
`;

interface LeaseRow {
  bytes: Uint8Array;
  received_at: number;
  unreported_lapse: number | null;
}

interface ApprovalRow {
  jti: string;
  request: Uint8Array;
  /** The decisions' bytes, a JSON array of base64url texts. */
  decisions: string;
}

interface SignalRow {
  jti: string;
  bytes: Uint8Array;
  ctl: string;
  epoch: number;
  seq: number;
  ack: Uint8Array;
}

/** Every driver failure becomes `ERR_OV_STORE_FAILED`, keeping the driver's error as the cause. */
function guard<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw ovError('ERR_OV_STORE_FAILED', `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function leaseOf(r: LeaseRow): LeaseRecord {
  return {
    bytes: bytes(r.bytes),
    received_at: r.received_at,
    ...(r.unreported_lapse === null ? {} : { unreported_lapse: r.unreported_lapse }),
  };
}

/** Driver blobs are Buffers: hand out plain byte arrays, as the memory store does. */
const bytes = (b: Uint8Array) => new Uint8Array(b);

/**
 * The guard's state in SQLite (better-sqlite3; WAL journal, `synchronous=FULL`, one transaction per change): an
 * agent killed at any point and restarted is still stopped, paused or constrained (spec §8.5).
 *
 * @example
 * ```ts
 * const guard = await OverrideGuard.open({ ...options, store: new SqliteStateStore('override.db') });
 * ```
 */
export class SqliteStateStore implements OverrideStateStore {
  readonly #db: Db;

  /** `database`: a file path (`':memory:'` for a private in-memory database) or an open better-sqlite3 handle. */
  constructor(database: string | Db) {
    this.#db = guard('open', () => {
      const db = typeof database === 'string' ? new Database(database) : database;
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(SCHEMA);
      return db;
    });
  }

  async load(): Promise<GuardState> {
    return guard('load', () => {
      const all = (sql: string) => this.#db.prepare(sql).all();
      const policy = this.#db.prepare('SELECT bytes FROM ov_policy WHERE id = 1').get() as
        | { bytes: Uint8Array }
        | undefined;
      const lease = this.#db.prepare('SELECT * FROM ov_lease WHERE id = 1').get() as LeaseRow | undefined;
      return {
        signals: (all('SELECT * FROM ov_signal') as SignalRow[]).map((r) => ({
          jti: r.jti,
          bytes: bytes(r.bytes),
          ctl: r.ctl,
          order: [r.epoch, r.seq] as Order,
          ack: bytes(r.ack),
        })),
        holds: (all('SELECT body FROM ov_hold') as { body: string }[]).map((r) => JSON.parse(r.body) as Hold),
        waiting: (all('SELECT body FROM ov_waiting') as { body: string }[]).map(
          (r) => JSON.parse(r.body) as WaitingLift,
        ),
        orders: (all('SELECT * FROM ov_order') as { ctl: string; epoch: number; seq: number }[]).map((r) => ({
          ctl: r.ctl,
          order: [r.epoch, r.seq] as Order,
        })),
        ...(policy ? { policy: bytes(policy.bytes) } : {}),
        revocations: all('SELECT kid, revoked_at FROM ov_revocation') as { kid: string; revoked_at: number }[],
        ...(lease ? { lease: leaseOf(lease) } : {}),
        approvals: (all('SELECT * FROM ov_approval') as ApprovalRow[]).map(
          (r): PendingApproval => ({
            jti: r.jti,
            request: bytes(r.request),
            decisions: (JSON.parse(r.decisions) as string[]).map(fromBase64Url),
          }),
        ),
        actions: (all('SELECT body FROM ov_action') as { body: string }[]).map(
          (r) => JSON.parse(r.body) as RecentAction,
        ),
      };
    });
  }

  async commit(change: StateChange): Promise<void> {
    const db = this.#db;
    guard('commit', () =>
      db.transaction(() => {
        const s = change.signal;
        if (s) {
          db.prepare(
            'INSERT INTO ov_signal (jti, bytes, ctl, epoch, seq, ack) VALUES (?, ?, ?, ?, ?, ?) ' +
              'ON CONFLICT (jti) DO UPDATE SET ack = excluded.ack',
          ).run(s.jti, s.bytes, s.ctl, s.order[0], s.order[1], s.ack);
        }
        const forget = db.prepare('DELETE FROM ov_signal WHERE jti = ?');
        for (const jti of change.forgetSignals ?? []) forget.run(jti);
        const hold = db.prepare('INSERT OR REPLACE INTO ov_hold (jti, body) VALUES (?, ?)');
        const drop = db.prepare('DELETE FROM ov_hold WHERE jti = ?');
        for (const h of change.holds ?? []) {
          if (retained(h)) hold.run(h.jti, JSON.stringify(h));
          else drop.run(h.jti);
        }
        const wait = db.prepare('INSERT OR REPLACE INTO ov_waiting (hold, lift, body) VALUES (?, ?, ?)');
        for (const w of change.addWaiting ?? []) wait.run(w.hold, w.lift, JSON.stringify(w));
        const settle = db.prepare('DELETE FROM ov_waiting WHERE hold = ? AND lift = ?');
        for (const w of change.removeWaiting ?? []) settle.run(w.hold, w.lift);
        if (change.order) {
          db.prepare('INSERT OR REPLACE INTO ov_order (ctl, epoch, seq) VALUES (?, ?, ?)').run(
            change.order.ctl,
            change.order.order[0],
            change.order.order[1],
          );
        }
        if (change.policy) db.prepare('INSERT OR REPLACE INTO ov_policy (id, bytes) VALUES (1, ?)').run(change.policy);
        const revoke = db.prepare('INSERT OR REPLACE INTO ov_revocation (kid, revoked_at) VALUES (?, ?)');
        for (const r of change.revocations ?? []) revoke.run(r.kid, r.revoked_at);
        const l = change.lease;
        if (l) {
          db.prepare(
            'INSERT OR REPLACE INTO ov_lease (id, bytes, received_at, unreported_lapse) VALUES (1, ?, ?, ?)',
          ).run(l.bytes, l.received_at, l.unreported_lapse ?? null);
        }
        const a = change.approval;
        if (a) {
          db.prepare('INSERT OR REPLACE INTO ov_approval (jti, request, decisions) VALUES (?, ?, ?)').run(
            a.jti,
            a.request,
            JSON.stringify(a.decisions.map(toBase64Url)),
          );
        }
        if (change.closeApproval) db.prepare('DELETE FROM ov_approval WHERE jti = ?').run(change.closeApproval);
        const act = db.prepare('INSERT OR REPLACE INTO ov_action (seq, body) VALUES (?, ?)');
        for (const a of change.addActions ?? []) act.run(a.seq, JSON.stringify(a));
        if (change.forgetActionsBefore !== undefined) {
          db.prepare('DELETE FROM ov_action WHERE seq < ?').run(change.forgetActionsBefore);
        }
      })(),
    );
  }

  async close(): Promise<void> {
    guard('close', () => this.#db.close());
  }
}

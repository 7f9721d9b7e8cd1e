import { type SqliteDatabase as Db, isSafetyNetError } from '@safety-net/core';
import Database from 'better-sqlite3';
import { OutboxNotifier } from '../controller/outbox-notifier.js';
import {
  type ControllerStore,
  DELIVERY_RANK,
  type Delivery,
  type DeliveryClaim,
  type DeliveryUpdate,
  type NewSignal,
  type OutboxEntry,
  type Pruned,
  type RecordedSignal,
  type RecordKind,
  type StoredAck,
  type StoredAgent,
  type StoredRecord,
  type StoredSignal,
} from '../controller/store.js';
import { ovError } from '../errors.js';
import type { Order } from '../messages/common.js';
import {
  type AckRow,
  ackOf,
  type DeliveryRow,
  deliveryOf,
  plain,
  type RecordRow,
  rankSql,
  recordOf,
  type SignalRow,
  signalOf,
  stateOfAck,
} from './controller-rows.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ov_ctl_counter (id INTEGER PRIMARY KEY CHECK (id = 1), epoch INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ov_ctl_signal (
  jti TEXT PRIMARY KEY, epoch INTEGER NOT NULL, seq INTEGER NOT NULL, bytes BLOB NOT NULL, level TEXT NOT NULL,
  deadline INTEGER NOT NULL, exp INTEGER NOT NULL, agents TEXT NOT NULL, UNIQUE (epoch, seq)
);
CREATE TABLE IF NOT EXISTS ov_ctl_outbox (
  agent TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL, jti TEXT NOT NULL, bytes BLOB NOT NULL,
  state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, code TEXT, claimed_by TEXT, claimed_until INTEGER,
  PRIMARY KEY (agent, position), UNIQUE (jti, agent)
);
CREATE TABLE IF NOT EXISTS ov_ctl_ack (
  agent TEXT NOT NULL, jti TEXT NOT NULL, signal TEXT NOT NULL, status TEXT NOT NULL, iat INTEGER NOT NULL,
  bytes BLOB NOT NULL, PRIMARY KEY (agent, jti)
);
CREATE INDEX IF NOT EXISTS ov_ctl_ack_signal ON ov_ctl_ack (signal);
CREATE TABLE IF NOT EXISTS ov_ctl_record (
  jti TEXT PRIMARY KEY, kind TEXT NOT NULL, agent TEXT NOT NULL, signal TEXT, iat INTEGER NOT NULL, bytes BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS ov_ctl_agent (id TEXT PRIMARY KEY, bytes BLOB NOT NULL);
`;

/** Every driver failure becomes `ERR_OV_STORE_FAILED`, keeping the driver's error as the cause. */
function guard<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    if (e instanceof Error && /UNIQUE constraint failed: ov_ctl_signal/.test(e.message)) {
      throw ovError('ERR_OV_CONFLICT', `${what}: the signal or its order is already recorded`, { cause: e });
    }
    throw ovError('ERR_OV_STORE_FAILED', `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * The control plane's state in SQLite (better-sqlite3; WAL journal, `synchronous=FULL`, one transaction per
 * method): a control plane killed at any point and restarted on the same file claims its outstanding deliveries
 * again and goes on resending them (spec §10). For several instances on one database, use the PostgreSQL store.
 *
 * @example
 * ```ts
 * const controller = new OverrideController({ ...options, store: new SqliteControllerStore('control-plane.db') });
 * await controller.resume();
 * ```
 */
export class SqliteControllerStore implements ControllerStore {
  readonly #db: Db;
  readonly #notifier = new OutboxNotifier();

  /** `database`: a file path (`':memory:'` for a private database) or an open better-sqlite3 handle. */
  constructor(database: string | Db, options: { epoch?: number } = {}) {
    this.#db = guard('open', () => {
      const db = typeof database === 'string' ? new Database(database) : database;
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(SCHEMA);
      db.prepare('INSERT OR IGNORE INTO ov_ctl_counter (id, epoch, seq) VALUES (1, ?, 0)').run(options.epoch ?? 1);
      return db;
    });
  }

  async takeOrder(): Promise<Order> {
    return guard('takeOrder', () => this.#tx(() => this.#next()));
  }

  async issue(build: (order: Order) => NewSignal, claim: DeliveryClaim): Promise<RecordedSignal> {
    const signal = guard('issue', () =>
      this.#tx(() => {
        const order = this.#next();
        return this.#insert({ ...build(order), order }, claim);
      }),
    );
    for (const agent of signal.agents) this.#notifier.notify(agent);
    return signal;
  }

  async record(signal: StoredSignal, claim: DeliveryClaim): Promise<RecordedSignal> {
    const issued = guard('record', () => this.#tx(() => this.#insert(signal, claim)));
    for (const agent of signal.agents) this.#notifier.notify(agent);
    return issued;
  }

  #next(): Order {
    const row = this.#db.prepare('UPDATE ov_ctl_counter SET seq = seq + 1 WHERE id = 1 RETURNING epoch, seq').get() as {
      epoch: number;
      seq: number;
    };
    return [row.epoch, row.seq];
  }

  #insert(s: StoredSignal, claim: DeliveryClaim): RecordedSignal {
    const db = this.#db;
    db.prepare(
      'INSERT INTO ov_ctl_signal (jti, epoch, seq, bytes, level, deadline, exp, agents) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(s.jti, s.order[0], s.order[1], s.bytes, s.level, s.deadline, s.exp, JSON.stringify(s.agents));
    const add = db.prepare(
      `INSERT INTO ov_ctl_outbox (agent, position, name, jti, bytes, state, claimed_by, claimed_until)
       VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM ov_ctl_outbox WHERE agent = ?), 'ov-signal', ?, ?,
               'pending', ?, ?)
       RETURNING position`,
    );
    const positions = new Map<string, number>();
    for (const agent of s.agents) {
      const row = add.get(agent, agent, s.jti, s.bytes, claim.instance, claim.untilMs) as { position: number };
      positions.set(agent, row.position);
    }
    return { ...s, positions };
  }

  async signal(jti: string): Promise<StoredSignal | undefined> {
    const row = guard('signal', () => this.#db.prepare('SELECT * FROM ov_ctl_signal WHERE jti = ?').get(jti));
    return row === undefined ? undefined : signalOf(row as SignalRow);
  }

  async outboxAfter(agent: string, position: number, limit: number): Promise<OutboxEntry[]> {
    const rows = guard('outboxAfter', () =>
      this.#db
        .prepare(
          'SELECT position, name, bytes FROM ov_ctl_outbox WHERE agent = ? AND position > ? ORDER BY position LIMIT ?',
        )
        .all(agent, position, limit),
    ) as { position: number; name: string; bytes: Uint8Array }[];
    return rows.map((r) => ({ position: r.position, name: r.name, bytes: plain(r.bytes) }));
  }

  waitForOutbox(agent: string, position: number, abort?: AbortSignal): Promise<void> {
    return this.#notifier.wait(agent, () => this.outboxAfter(agent, position, 1), abort);
  }

  async deliveries(signal: string): Promise<Delivery[]> {
    const rows = guard('deliveries', () =>
      this.#db.prepare('SELECT * FROM ov_ctl_outbox WHERE jti = ? ORDER BY agent').all(signal),
    );
    return (rows as DeliveryRow[]).map((r) => deliveryOf(r));
  }

  async updateDelivery(signal: string, agent: string, update: DeliveryUpdate): Promise<void> {
    guard('updateDelivery', () => this.#tx(() => this.#update(signal, agent, update)));
  }

  #update(signal: string, agent: string, update: DeliveryUpdate): void {
    const rank = update.state === undefined ? -1 : DELIVERY_RANK[update.state];
    const { changes } = this.#db
      .prepare(
        `UPDATE ov_ctl_outbox SET
           state = CASE WHEN ${rankSql('state')} < ? THEN ? ELSE state END,
           code = CASE WHEN ${rankSql('state')} < ? THEN COALESCE(?, code) ELSE code END,
           attempts = attempts + ?,
           claimed_by = COALESCE(?, claimed_by), claimed_until = COALESCE(?, claimed_until)
         WHERE jti = ? AND agent = ?`,
      )
      .run(
        rank,
        update.state ?? null,
        rank,
        update.code ?? null,
        update.attempt ? 1 : 0,
        update.claim?.instance ?? null,
        update.claim?.untilMs ?? null,
        signal,
        agent,
      );
    if (changes === 0) throw ovError('ERR_OV_CONFIG_INVALID', `no delivery of ${signal} to ${agent}`);
  }

  async claimDeliveries(claim: DeliveryClaim, nowMs: number, limit: number): Promise<Delivery[]> {
    const rows = guard('claimDeliveries', () =>
      this.#db
        .prepare(
          `UPDATE ov_ctl_outbox SET claimed_by = ?, claimed_until = ?
           WHERE rowid IN (SELECT rowid FROM ov_ctl_outbox WHERE state <> 'settled'
             AND (claimed_by IS NULL OR claimed_until <= ? OR claimed_by = ?) ORDER BY agent, position LIMIT ?)
           RETURNING *`,
        )
        .all(claim.instance, claim.untilMs, nowMs, claim.instance, limit),
    );
    return (rows as DeliveryRow[]).map((r) => deliveryOf(r));
  }

  async addAck(ack: StoredAck): Promise<boolean> {
    return guard('addAck', () =>
      this.#tx(() => {
        const { changes } = this.#db
          .prepare(
            'INSERT INTO ov_ctl_ack (jti, signal, agent, status, iat, bytes) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
          )
          .run(ack.jti, ack.signal, ack.agent, ack.status, ack.iat, ack.bytes);
        if (changes === 0) return false;
        const known = this.#db
          .prepare('SELECT 1 FROM ov_ctl_outbox WHERE jti = ? AND agent = ?')
          .get(ack.signal, ack.agent);
        if (known) this.#update(ack.signal, ack.agent, { state: stateOfAck(ack.status) });
        return true;
      }),
    );
  }

  async acks(signal: string): Promise<StoredAck[]> {
    const rows = guard('acks', () =>
      this.#db.prepare('SELECT * FROM ov_ctl_ack WHERE signal = ? ORDER BY rowid').all(signal),
    );
    return (rows as AckRow[]).map((r) => ackOf(r));
  }

  async addRecord(r: StoredRecord): Promise<void> {
    guard('addRecord', () =>
      this.#db
        .prepare(
          'INSERT INTO ov_ctl_record (jti, kind, agent, signal, iat, bytes) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(r.jti, r.kind, r.agent, r.signal ?? null, r.iat, r.bytes),
    );
  }

  async records(kind: RecordKind, filter: { signal?: string; agent?: string } = {}): Promise<StoredRecord[]> {
    const rows = guard('records', () =>
      this.#db
        .prepare(
          `SELECT * FROM ov_ctl_record WHERE kind = ? AND (? IS NULL OR signal = ?) AND (? IS NULL OR agent = ?)
           ORDER BY rowid`,
        )
        .all(kind, filter.signal ?? null, filter.signal ?? null, filter.agent ?? null, filter.agent ?? null),
    );
    return (rows as RecordRow[]).map((r) => recordOf(r));
  }

  async addLease(r: StoredRecord): Promise<number | undefined> {
    const position = guard('addLease', () =>
      this.#tx(() => {
        const db = this.#db;
        const { changes } = db
          .prepare(
            `INSERT INTO ov_ctl_record (jti, kind, agent, signal, iat, bytes) VALUES (?, 'lease', ?, NULL, ?, ?)
             ON CONFLICT DO NOTHING`,
          )
          .run(r.jti, r.agent, r.iat, r.bytes);
        if (changes === 0) return undefined;
        // Settled from the start: a lease is not resent or claimed as a signal's delivery is.
        const { at } = db
          .prepare(
            `INSERT INTO ov_ctl_outbox (agent, position, name, jti, bytes, state)
             VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM ov_ctl_outbox WHERE agent = ?), 'ov-lease', ?, ?,
                     'settled') RETURNING position AS at`,
          )
          .get(r.agent, r.agent, r.jti, r.bytes) as { at: number };
        db.prepare("DELETE FROM ov_ctl_outbox WHERE agent = ? AND name = 'ov-lease' AND position < ?").run(r.agent, at);
        return at;
      }),
    );
    if (position !== undefined) this.#notifier.notify(r.agent);
    return position;
  }

  async addAgent(agent: StoredAgent): Promise<void> {
    guard('addAgent', () =>
      this.#db
        .prepare(
          'INSERT INTO ov_ctl_agent (id, bytes) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET bytes = excluded.bytes',
        )
        .run(agent.id, agent.bytes),
    );
  }

  async agents(): Promise<StoredAgent[]> {
    const rows = guard('agents', () => this.#db.prepare('SELECT id, bytes FROM ov_ctl_agent ORDER BY rowid').all());
    return (rows as { id: string; bytes: Uint8Array }[]).map((r) => ({ id: r.id, bytes: plain(r.bytes) }));
  }

  async prune({ before }: { before: number }): Promise<Pruned> {
    return guard('prune', () =>
      this.#tx(() => {
        const db = this.#db;
        const done = `SELECT s.jti FROM ov_ctl_signal s WHERE s.exp < ?
          AND NOT EXISTS (SELECT 1 FROM ov_ctl_outbox o WHERE o.jti = s.jti AND o.state <> 'settled')`;
        // The newest entry of each outbox stays: the next position is computed from it.
        const outbox = db
          .prepare(
            `DELETE FROM ov_ctl_outbox AS o WHERE o.jti IN (${done})
             AND o.position < (SELECT MAX(m.position) FROM ov_ctl_outbox m WHERE m.agent = o.agent)`,
          )
          .run(before);
        const acks = db.prepare(`DELETE FROM ov_ctl_ack WHERE signal IN (${done})`).run(before);
        return { deliveries: outbox.changes, acks: acks.changes };
      }),
    );
  }

  async close(): Promise<void> {
    guard('close', () => this.#db.close());
  }

  #tx<T>(run: () => T): T {
    let out!: T;
    this.#db.transaction(() => {
      out = run();
    })();
    return out;
  }
}

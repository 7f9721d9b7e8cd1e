import { fromTextKey, inTransaction, storeCall, toBytea, toTextKey } from '@safety-net/core/internal';
import type { PgPool, PgQueryable } from '@safety-net/core/postgres';
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
import { ovStoreFailure } from './postgres-failure.js';

const k = toTextKey;
const unk = fromTextKey;

/** A unique violation on the signal table: the jti or the order is taken (spec §6.4: never reuse an order). */
const isSignalConflict = (e: unknown) =>
  (e as { code?: string; table?: string })?.code === '23505' && (e as { table?: string }).table === 'ov_ctl_signal';

/** Every database failure is `ERR_OV_STORE_FAILED` (a reused order `ERR_OV_CONFLICT`), the driver's error the cause. */
function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  return storeCall(ovStoreFailure, what, async () => {
    try {
      return await run();
    } catch (e) {
      if (isSignalConflict(e)) throw ovError('ERR_OV_CONFLICT', `${what}: the signal or its order is already recorded`);
      throw e;
    }
  });
}

/**
 * The control plane's state in PostgreSQL (node-postgres), for several instances over one database (spec §10).
 * Run `migrateController(pool)` first. Orders are taken under the counter's row lock in the transaction that
 * records the signal, so they stay unique and increasing across instances; deliveries are claimed with
 * `FOR UPDATE SKIP LOCKED`, and a dead instance's claims expire and are taken over.
 *
 * @example
 * ```ts
 * await migrateController(pool);
 * const controller = new OverrideController({ ...options, store: new PostgresControllerStore(pool) });
 * ```
 */
export class PostgresControllerStore implements ControllerStore {
  readonly #pool: PgPool;
  readonly #notifier = new OutboxNotifier();

  /** `pool`: a `pg.Pool` whose `search_path` holds the migrated tables. */
  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  takeOrder(): Promise<Order> {
    return call('takeOrder', () => next(this.#pool));
  }

  async issue(build: (order: Order) => NewSignal, claim: DeliveryClaim): Promise<RecordedSignal> {
    const signal = await call('issue', () =>
      inTransaction(this.#pool, async (client) => {
        // The UPDATE holds the counter's row lock until commit: concurrent issuers queue here, one order each.
        const order = await next(client);
        return insert(client, { ...build(order), order }, claim);
      }),
    );
    for (const agent of signal.agents) this.#notifier.notify(agent);
    return signal;
  }

  async record(signal: StoredSignal, claim: DeliveryClaim): Promise<RecordedSignal> {
    const issued = await call('record', () =>
      inTransaction(this.#pool, async (client) => {
        // The same lock as issue: outbox positions are computed one transaction at a time.
        await client.query('SELECT seq FROM ov_ctl_counter WHERE id = 1 FOR UPDATE');
        return insert(client, signal, claim);
      }),
    );
    for (const agent of signal.agents) this.#notifier.notify(agent);
    return issued;
  }

  async signal(jti: string): Promise<StoredSignal | undefined> {
    const { rows } = await call('signal', () =>
      this.#pool.query('SELECT * FROM ov_ctl_signal WHERE jti = $1', [k(jti)]),
    );
    return rows[0] === undefined ? undefined : signalOf(rows[0] as SignalRow, unk);
  }

  async outboxAfter(agent: string, position: number, limit: number): Promise<OutboxEntry[]> {
    const { rows } = await call('outboxAfter', () =>
      this.#pool.query(
        'SELECT position, name, bytes FROM ov_ctl_outbox WHERE agent = $1 AND position > $2 ORDER BY position LIMIT $3',
        [k(agent), position, limit],
      ),
    );
    return (rows as { position: string; name: string; bytes: Uint8Array }[]).map((r) => ({
      position: Number(r.position),
      name: r.name,
      bytes: plain(r.bytes),
    }));
  }

  waitForOutbox(agent: string, position: number, abort?: AbortSignal): Promise<void> {
    return this.#notifier.wait(agent, () => this.outboxAfter(agent, position, 1), abort);
  }

  async deliveries(signal: string): Promise<Delivery[]> {
    const { rows } = await call('deliveries', () =>
      this.#pool.query('SELECT * FROM ov_ctl_outbox WHERE jti = $1 ORDER BY agent', [k(signal)]),
    );
    return (rows as DeliveryRow[]).map((r) => deliveryOf(r, unk));
  }

  async updateDelivery(signal: string, agent: string, update: DeliveryUpdate): Promise<void> {
    await call('updateDelivery', () => updateRow(this.#pool, signal, agent, update));
  }

  async claimDeliveries(claim: DeliveryClaim, nowMs: number, limit: number): Promise<Delivery[]> {
    const { rows } = await call('claimDeliveries', () =>
      this.#pool.query(
        `UPDATE ov_ctl_outbox o SET claimed_by = $1, claimed_until = $2
         FROM (SELECT agent, position FROM ov_ctl_outbox WHERE state <> 'settled'
                 AND (claimed_by IS NULL OR claimed_until <= $3 OR claimed_by = $1)
               ORDER BY agent, position LIMIT $4 FOR UPDATE SKIP LOCKED) c
         WHERE o.agent = c.agent AND o.position = c.position RETURNING o.*`,
        [claim.instance, claim.untilMs, nowMs, limit],
      ),
    );
    return (rows as DeliveryRow[]).map((r) => deliveryOf(r, unk));
  }

  addAck(ack: StoredAck): Promise<boolean> {
    return call('addAck', () =>
      inTransaction(this.#pool, async (client) => {
        const inserted = await client.query(
          `INSERT INTO ov_ctl_ack (jti, signal, agent, status, iat, bytes) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (agent, jti) DO NOTHING`,
          [k(ack.jti), k(ack.signal), k(ack.agent), ack.status, ack.iat, toBytea(ack.bytes)],
        );
        if (inserted.rowCount === 0) return false;
        await updateRow(client, ack.signal, ack.agent, { state: stateOfAck(ack.status) }, false);
        return true;
      }),
    );
  }

  async acks(signal: string): Promise<StoredAck[]> {
    const { rows } = await call('acks', () =>
      this.#pool.query('SELECT * FROM ov_ctl_ack WHERE signal = $1 ORDER BY seq', [k(signal)]),
    );
    return (rows as AckRow[]).map((r) => ackOf(r, unk));
  }

  async addRecord(r: StoredRecord): Promise<void> {
    await call('addRecord', () =>
      this.#pool.query(
        `INSERT INTO ov_ctl_record (jti, kind, agent, signal, iat, bytes) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (jti) DO NOTHING`,
        [k(r.jti), r.kind, k(r.agent), r.signal === undefined ? null : k(r.signal), r.iat, toBytea(r.bytes)],
      ),
    );
  }

  async records(kind: RecordKind, filter: { signal?: string; agent?: string } = {}): Promise<StoredRecord[]> {
    const { rows } = await call('records', () =>
      this.#pool.query(
        `SELECT * FROM ov_ctl_record WHERE kind = $1 AND ($2::text IS NULL OR signal = $2)
           AND ($3::text IS NULL OR agent = $3) ORDER BY seq`,
        [
          kind,
          filter.signal === undefined ? null : k(filter.signal),
          filter.agent === undefined ? null : k(filter.agent),
        ],
      ),
    );
    return (rows as RecordRow[]).map((r) => recordOf(r, unk));
  }

  async addLease(r: StoredRecord): Promise<number | undefined> {
    const position = await call('addLease', () =>
      inTransaction(this.#pool, async (client) => {
        const inserted = await client.query(
          `INSERT INTO ov_ctl_record (jti, kind, agent, signal, iat, bytes) VALUES ($1, 'lease', $2, NULL, $3, $4)
           ON CONFLICT (jti) DO NOTHING`,
          [k(r.jti), k(r.agent), r.iat, toBytea(r.bytes)],
        );
        if (inserted.rowCount === 0) return undefined;
        // The counter's lock, as issue takes it: outbox positions are computed one transaction at a time.
        await client.query('SELECT seq FROM ov_ctl_counter WHERE id = 1 FOR UPDATE');
        // Settled from the start: a lease is not resent or claimed as a signal's delivery is.
        const { rows } = await client.query(
          `INSERT INTO ov_ctl_outbox (agent, position, name, jti, bytes, state)
           VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM ov_ctl_outbox WHERE agent = $1), 'ov-lease', $2, $3,
                   'settled') RETURNING position`,
          [k(r.agent), k(r.jti), toBytea(r.bytes)],
        );
        const at = Number((rows[0] as { position: string }).position);
        await client.query(`DELETE FROM ov_ctl_outbox WHERE agent = $1 AND name = 'ov-lease' AND position < $2`, [
          k(r.agent),
          at,
        ]);
        return at;
      }),
    );
    if (position !== undefined) this.#notifier.notify(r.agent);
    return position;
  }

  async addAgent(agent: StoredAgent): Promise<void> {
    await call('addAgent', () =>
      this.#pool.query(
        'INSERT INTO ov_ctl_agent (id, bytes) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET bytes = EXCLUDED.bytes',
        [k(agent.id), toBytea(agent.bytes)],
      ),
    );
  }

  async agents(): Promise<StoredAgent[]> {
    const { rows } = await call('agents', () => this.#pool.query('SELECT id, bytes FROM ov_ctl_agent ORDER BY id'));
    return (rows as { id: string; bytes: Uint8Array }[]).map((r) => ({ id: unk(r.id), bytes: plain(r.bytes) }));
  }

  prune({ before }: { before: number }): Promise<Pruned> {
    return call('prune', () =>
      inTransaction(this.#pool, async (client) => {
        const done = `SELECT s.jti FROM ov_ctl_signal s WHERE s.exp < $1
          AND NOT EXISTS (SELECT 1 FROM ov_ctl_outbox o WHERE o.jti = s.jti AND o.state <> 'settled')`;
        // The newest entry of each outbox stays: the next position is computed from it.
        const outbox = await client.query(
          `DELETE FROM ov_ctl_outbox o WHERE o.jti IN (${done})
           AND o.position < (SELECT MAX(m.position) FROM ov_ctl_outbox m WHERE m.agent = o.agent)`,
          [before],
        );
        const acks = await client.query(`DELETE FROM ov_ctl_ack WHERE signal IN (${done})`, [before]);
        return { deliveries: outbox.rowCount ?? 0, acks: acks.rowCount ?? 0 };
      }),
    );
  }

  /** The pool belongs to the application, which ends it. */
  async close(): Promise<void> {}
}

async function next(db: PgQueryable): Promise<Order> {
  const { rows } = await db.query('UPDATE ov_ctl_counter SET seq = seq + 1 WHERE id = 1 RETURNING epoch, seq');
  const row = rows[0] as { epoch: string; seq: string } | undefined;
  if (row === undefined) throw ovStoreFailure('the order counter is missing: run migrateController first');
  return [Number(row.epoch), Number(row.seq)];
}

async function insert(db: PgQueryable, s: StoredSignal, claim: DeliveryClaim): Promise<RecordedSignal> {
  await db.query(
    `INSERT INTO ov_ctl_signal (jti, epoch, seq, bytes, level, deadline, exp, agents)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [k(s.jti), s.order[0], s.order[1], toBytea(s.bytes), s.level, s.deadline, s.exp, JSON.stringify(s.agents)],
  );
  // The positions come back from the insert itself: no second round trip per agent.
  const { rows } = await db.query(
    `INSERT INTO ov_ctl_outbox (agent, position, name, jti, bytes, state, claimed_by, claimed_until)
     SELECT a, (SELECT COALESCE(MAX(position), 0) + 1 FROM ov_ctl_outbox WHERE agent = a), 'ov-signal', $2, $3,
            'pending', $4, $5
     FROM unnest($1::text[]) AS a
     RETURNING agent, position`,
    [s.agents.map(k), k(s.jti), toBytea(s.bytes), claim.instance, claim.untilMs],
  );
  const positions = new Map(
    (rows as { agent: string; position: string }[]).map((r) => [unk(r.agent), Number(r.position)]),
  );
  return { ...s, positions };
}

async function updateRow(
  db: PgQueryable,
  signal: string,
  agent: string,
  update: DeliveryUpdate,
  mustExist = true,
): Promise<void> {
  const rank = update.state === undefined ? -1 : DELIVERY_RANK[update.state];
  const { rowCount } = await db.query(
    `UPDATE ov_ctl_outbox SET
       state = CASE WHEN ${rankSql('state')} < $1 THEN COALESCE($2, state) ELSE state END,
       code = CASE WHEN ${rankSql('state')} < $1 THEN COALESCE($3, code) ELSE code END,
       attempts = attempts + $4,
       claimed_by = COALESCE($5, claimed_by), claimed_until = COALESCE($6, claimed_until)
     WHERE jti = $7 AND agent = $8`,
    [
      rank,
      update.state ?? null,
      update.code ?? null,
      update.attempt ? 1 : 0,
      update.claim?.instance ?? null,
      update.claim?.untilMs ?? null,
      k(signal),
      k(agent),
    ],
  );
  if (mustExist && rowCount === 0) throw ovError('ERR_OV_CONFIG_INVALID', `no delivery of ${signal} to ${agent}`);
}

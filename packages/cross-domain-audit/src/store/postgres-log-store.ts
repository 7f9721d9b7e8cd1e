import { inTransaction, type StoreFailure, storeCall, toBytea } from '@safety-net/core/internal';
import { type PgPool, type PgQueryable, runMigrations } from '@safety-net/core/postgres';
import { auError } from '../errors.js';
import type { HashId } from '../log/subtrees.js';
import type {
  LogStore,
  SequencedBatch,
  SequencingTx,
  StoredTreeState,
  WorkflowBackfillStep,
  WorkflowKeysOf,
} from './log-store.js';

const fail: StoreFailure = (detail, options) => auError('ERR_AU_STORE_FAILED', detail, options);
const call = <T>(what: string, run: () => Promise<T>) => storeCall(fail, what, run);

/** The log's tables, one string per schema version. Append a step to change them; never edit a shipped one. */
const STEPS = [
  `CREATE TABLE au_log_entry (idx BIGINT PRIMARY KEY, leaf_hash BYTEA NOT NULL UNIQUE, entry BYTEA NOT NULL);
   CREATE TABLE au_log_hash (level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY (level, idx));
   CREATE TABLE au_log_checkpoint (size BIGINT PRIMARY KEY, root BYTEA NOT NULL, note TEXT NOT NULL);
   CREATE TABLE au_log_state (id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL);
   INSERT INTO au_log_state (id, size) VALUES (1, 0);`,
  `CREATE TABLE au_log_workflow (key TEXT NOT NULL, idx BIGINT NOT NULL, PRIMARY KEY (key, idx));`,
  // The workflow index backfill's progress: entries sequenced before step 2 have no rows yet.
  `CREATE TABLE au_log_workflow_backfill (id INTEGER PRIMARY KEY CHECK (id = 1), next BIGINT NOT NULL);
   INSERT INTO au_log_workflow_backfill (id, next) VALUES (1, 0);`,
];

/**
 * Creates or upgrades the transparency log's tables in the pool's current schema (`search_path`); resolves to the
 * schema version. Run it once at start-up, before using {@link PostgresLogStore}: idempotent, and safe when several
 * instances start at once.
 */
export function migrateLog(pool: PgPool): Promise<number> {
  return runMigrations(pool, { component: 'cross-domain-audit-log', steps: STEPS, fail });
}

const bytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

async function latest(db: PgQueryable): Promise<StoredTreeState | undefined> {
  const { rows } = await db.query('SELECT size, root, note FROM au_log_checkpoint ORDER BY size DESC LIMIT 1');
  const row = rows[0] as { size: string; root: Buffer; note: string } | undefined;
  return row && { size: Number(row.size), rootHash: bytes(row.root), checkpoint: row.note };
}

async function readHashes(db: PgQueryable, ids: readonly HashId[]): Promise<Uint8Array[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query(
    'SELECT h.level, h.idx, h.hash FROM unnest($1::int[], $2::bigint[]) AS w(level, idx) JOIN au_log_hash h USING (level, idx)',
    [ids.map((i) => i.level), ids.map((i) => i.index)],
  );
  const found = new Map(
    (rows as { level: number; idx: string; hash: Buffer }[]).map((r) => [`${r.level}/${r.idx}`, r.hash]),
  );
  return ids.map((id) => {
    const hash = found.get(`${id.level}/${id.index}`);
    if (!hash) throw auError('ERR_AU_STORE_FAILED', `hash ${id.level}/${id.index} is not stored`);
    return bytes(hash);
  });
}

async function indexesOf(db: PgQueryable, leafHashes: readonly Uint8Array[]): Promise<Array<number | undefined>> {
  if (leafHashes.length === 0) return [];
  const { rows } = await db.query('SELECT idx, leaf_hash FROM au_log_entry WHERE leaf_hash = ANY($1::bytea[])', [
    leafHashes.map(toBytea),
  ]);
  const found = new Map(
    (rows as { idx: string; leaf_hash: Buffer }[]).map((r) => [r.leaf_hash.toString('hex'), r.idx]),
  );
  return leafHashes.map((h) => {
    const idx = found.get(Buffer.from(h).toString('hex'));
    return idx === undefined ? undefined : Number(idx);
  });
}

/**
 * A transparency log's store in PostgreSQL (node-postgres), for a log run as several appender instances on one
 * database (spec §5.7). Each instance sequences its own batches; a sequencing transaction first takes a
 * transaction-level advisory lock on the log (released by commit, rollback or a lost connection, so a crashed
 * instance never blocks the others) and then locks the tree-state row (`SELECT … FOR UPDATE`) as a second guard,
 * so batches are integrated one after another, with dense indices, and every checkpoint extends the one before.
 * Readers read committed rows only. Run `migrateLog(pool)` first.
 *
 * @example
 * ```ts
 * await migrateLog(pool);
 * const log = new TransparencyLog({ origin, signer, store: new PostgresLogStore(pool) });
 * ```
 */
export class PostgresLogStore implements LogStore {
  readonly #pool: PgPool;

  /** `pool`: a `pg.Pool` whose `search_path` holds the migrated tables. */
  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  async sequence<T>(work: (tx: SequencingTx) => Promise<T>): Promise<T> {
    // The work's own failure (a signer that is down) is the caller's to see as it is, not a store failure.
    let failed: { error: unknown } | undefined;
    try {
      return await call('sequence', () =>
        inTransaction(this.#pool, async (client) => {
          await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.au_log'))");
          const locked = await client.query('SELECT size FROM au_log_state WHERE id = 1 FOR UPDATE');
          const state = await latest(client);
          if (Number((locked.rows[0] as { size: string }).size) !== (state?.size ?? 0)) {
            throw auError('ERR_AU_STORE_FAILED', 'the tree state and the latest checkpoint disagree');
          }
          const tx: SequencingTx = {
            state,
            hashes: (ids) => readHashes(client, ids),
            indexesOf: (hashes) => indexesOf(client, hashes),
            write: (batch) => write(client, batch, state?.size ?? 0),
          };
          try {
            return await work(tx);
          } catch (error) {
            failed = { error };
            throw error;
          }
        }),
      );
    } catch (e) {
      throw failed ? failed.error : e;
    }
  }

  state(): Promise<StoredTreeState | undefined> {
    return call('state', () => latest(this.#pool));
  }

  hashes(ids: readonly HashId[]): Promise<readonly Uint8Array[]> {
    return call('hashes', () => readHashes(this.#pool, ids));
  }

  hashRange(level: number, from: number, to: number): Promise<readonly Uint8Array[]> {
    return call('hashRange', async () => {
      const { rows } = await this.#pool.query(
        'SELECT hash FROM au_log_hash WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx',
        [level, from, to],
      );
      if (rows.length !== to - from) throw auError('ERR_AU_STORE_FAILED', `hashes ${level}/${from}..${to} not stored`);
      return (rows as { hash: Buffer }[]).map((r) => bytes(r.hash));
    });
  }

  entries(from: number, to: number): Promise<readonly Uint8Array[]> {
    return call('entries', async () => {
      const { rows } = await this.#pool.query(
        'SELECT entry FROM au_log_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx',
        [from, to],
      );
      if (rows.length !== to - from) throw auError('ERR_AU_STORE_FAILED', `entries ${from}..${to} not stored`);
      return (rows as { entry: Buffer }[]).map((r) => bytes(r.entry));
    });
  }

  indexOf(leafHash: Uint8Array): Promise<number | undefined> {
    return call('indexOf', async () => (await indexesOf(this.#pool, [leafHash]))[0]);
  }

  checkpointAt(size: number): Promise<string | undefined> {
    return call('checkpointAt', async () => {
      const { rows } = await this.#pool.query('SELECT note FROM au_log_checkpoint WHERE size = $1', [size]);
      return (rows[0] as { note: string } | undefined)?.note;
    });
  }

  workflow(key: string, limit: number): Promise<readonly number[]> {
    return call('workflow', async () => {
      const { rows } = await this.#pool.query('SELECT idx FROM au_log_workflow WHERE key = $1 ORDER BY idx LIMIT $2', [
        key,
        limit,
      ]);
      return (rows as { idx: string }[]).map((r) => Number(r.idx));
    });
  }

  backfillWorkflows(keysOf: WorkflowKeysOf, limit: number): Promise<WorkflowBackfillStep> {
    return call('backfill', () =>
      inTransaction(this.#pool, async (client) => {
        // The progress row locked first: concurrent backfills take their steps one after the other.
        const progress = await client.query('SELECT next FROM au_log_workflow_backfill WHERE id = 1 FOR UPDATE');
        const from = Number((progress.rows[0] as { next: string }).next);
        const size = (await latest(client))?.size ?? 0;
        const next = Math.min(size, from + limit);
        const { rows } = await client.query(
          'SELECT idx, entry FROM au_log_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx',
          [from, next],
        );
        const found = (rows as { idx: string; entry: Buffer }[]).flatMap((r) =>
          keysOf(bytes(r.entry)).map((key) => ({ key, index: Number(r.idx) })),
        );
        if (found.length > 0) {
          await client.query(
            'INSERT INTO au_log_workflow (key, idx) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING',
            [found.map((w) => w.key), found.map((w) => w.index)],
          );
        }
        await client.query('UPDATE au_log_workflow_backfill SET next = $1 WHERE id = 1', [next]);
        return { indexed: next - from, next, size };
      }),
    );
  }

  /** The pool belongs to the caller, who ends it. */
  async close(): Promise<void> {}
}

async function write(db: PgQueryable, batch: SequencedBatch, size: number): Promise<void> {
  if (batch.first !== size) throw auError('ERR_AU_STORE_FAILED', 'batch out of sequence');
  await db.query(
    'INSERT INTO au_log_entry (idx, leaf_hash, entry) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[])',
    [batch.entries.map((_, i) => batch.first + i), batch.leafHashes.map(toBytea), batch.entries.map(toBytea)],
  );
  await db.query(
    'INSERT INTO au_log_hash (level, idx, hash) SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[])',
    [batch.hashes.map((h) => h.level), batch.hashes.map((h) => h.index), batch.hashes.map((h) => toBytea(h.hash))],
  );
  if (batch.workflows.length > 0) {
    await db.query('INSERT INTO au_log_workflow (key, idx) SELECT * FROM unnest($1::text[], $2::bigint[])', [
      batch.workflows.map((w) => w.key),
      batch.workflows.map((w) => w.index),
    ]);
  }
  if (batch.indexed) {
    // An index in step stays in step: the progress moves only from the batch's first entry (a backfill that holds
    // the row is waited for, and the condition read again once it commits).
    await db.query('UPDATE au_log_workflow_backfill SET next = $1 WHERE id = 1 AND next = $2', [
      batch.state.size,
      batch.first,
    ]);
  }
  await db.query('INSERT INTO au_log_checkpoint (size, root, note) VALUES ($1, $2, $3)', [
    batch.state.size,
    toBytea(batch.state.rootHash),
    batch.state.checkpoint,
  ]);
  await db.query('UPDATE au_log_state SET size = $1 WHERE id = 1', [batch.state.size]);
}

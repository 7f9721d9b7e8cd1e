/**
 * The rollback part of the framework-integration example: a payment agent served over HTTP whose refunds commit in
 * the same transaction as their recorded result, and a coordinator that drives the rollback through
 * `httpTransport` under a lease. The same code runs on SQLite (one process, embedded) and on PostgreSQL (the stores
 * several instances share); only the stores and the effect differ.
 */
import { strict as assert } from 'node:assert';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import {
  type CheckpointClaims,
  type CompensationHandler,
  httpTransport,
  type ParticipantStore,
  participantHandler,
  RollbackCoordinator,
  RollbackParticipant,
  type RollbackStore,
} from '@safety-net/cascade-prevention';
import { migrate, PostgresParticipantStore, PostgresRollbackStore } from '@safety-net/cascade-prevention/postgres';
import { SqliteParticipantStore, SqliteRollbackStore } from '@safety-net/cascade-prevention/sqlite';
import { EctDag, ectHash, generateKey, keySet, publicKeyOf } from '@safety-net/core';
import Database from 'better-sqlite3';
import pg from 'pg';

const paymentId = 'spiffe://example.org/agent/payment';
const coordinatorId = 'spiffe://example.org/coordinator';

/** Charges 30 to an account, then rolls the charge back over HTTP; resolves to the balance read afterwards. */
async function chargeAndRollBack<Tx>(stores: {
  participant: ParticipantStore<Tx>;
  coordinator: RollbackStore;
  refund: CompensationHandler<Tx>;
  balance: () => Promise<number>;
}): Promise<number> {
  const paymentKey = generateKey('Ed25519');
  const coordinatorKey = generateKey('Ed25519');
  const payment = new RollbackParticipant<Tx>({
    agent: paymentId,
    key: paymentKey,
    coordinators: keySet([{ key: publicKeyOf(coordinatorKey), issuers: [coordinatorId] }]),
    store: stores.participant,
    handlers: { 'payment.refund': stores.refund },
  });
  await payment.open();
  const server = serve({ fetch: participantHandler(payment), port: 0, hostname: '127.0.0.1' });
  await new Promise((listening) => server.once('listening', listening));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rollback`;

  const now = Math.floor(Date.now() / 1000);
  const dag = new EctDag();
  dag.insert({ jti: 'charge-1', wid: 'order-42', iat: now - 60, iss: paymentId, exec_act: 'payment.charge', pred: [] });
  const checkpoint: CheckpointClaims = {
    iss: paymentId,
    iat: now - 60,
    jti: 'ckpt-1',
    wid: 'order-42',
    pred: ['charge-1'],
    task: 'charge-1',
    resource: 'acct-7',
    before: ectHash('balance=100'),
    after: ectHash('balance=70'),
    undo: {
      action: 'payment.refund',
      params: ectHash(JSON.stringify({ account: 'acct-7', amount: 30 })),
      endpoint, // where the coordinator reaches this participant
    },
  };
  const coordinator = new RollbackCoordinator({
    iss: coordinatorId,
    instance: 'coordinator-1',
    key: coordinatorKey,
    dag,
    checkpoints: (task) => (task === 'charge-1' ? checkpoint : undefined),
    participants: keySet([{ key: publicKeyOf(paymentKey), issuers: [paymentId] }]),
    transport: httpTransport(),
    store: stores.coordinator,
  });
  try {
    const outcome = await coordinator.rollback({
      rollback: 'rb-1',
      root_cause: 'charge-1',
      scope: 'descendants',
      known_good: [],
      reason: 'the order was cancelled',
      deadline: now + 600,
    });
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.released, true, 'every fence was released');
    return await stores.balance();
  } finally {
    await coordinator.close();
    await payment.close();
    server.close();
  }
}

/** The rollback with both stores in SQLite files under `directory`, the account in the payment agent's database. */
export async function rollbackOnSqlite(directory: string): Promise<string> {
  const db = new Database(join(directory, 'payment.db'));
  db.exec('CREATE TABLE account (id TEXT PRIMARY KEY, balance INTEGER)');
  db.prepare('INSERT INTO account VALUES (?, ?)').run('acct-7', 70);
  const balance = await chargeAndRollBack({
    participant: new SqliteParticipantStore(db),
    coordinator: new SqliteRollbackStore(join(directory, 'rollbacks.db')),
    refund: ({ commit }) =>
      commit((tx) => {
        tx.prepare('UPDATE account SET balance = balance + 30 WHERE id = ?').run('acct-7');
        return { state: ectHash('balance=100') };
      }),
    balance: async () => (db.prepare('SELECT balance FROM account').get() as { balance: number }).balance,
  });
  db.close();
  assert.equal(balance, 100);
  return 'rollback on SQLite: the charge refunded once over HTTP, its result recorded in the same transaction';
}

/** The same rollback with both stores and the account in PostgreSQL, as several instances would share them. */
export async function rollbackOnPostgres(url: string): Promise<string> {
  const pool = new pg.Pool({ connectionString: url });
  try {
    await migrate(pool);
    await pool.query('CREATE TABLE account (id text PRIMARY KEY, balance integer)');
    await pool.query("INSERT INTO account VALUES ('acct-7', 70)");
    const balance = await chargeAndRollBack({
      participant: new PostgresParticipantStore(pool),
      coordinator: new PostgresRollbackStore(pool),
      refund: ({ commit }) =>
        commit(async (client) => {
          await client.query("UPDATE account SET balance = balance + 30 WHERE id = 'acct-7'");
          return { state: ectHash('balance=100') };
        }),
      balance: async () => (await pool.query('SELECT balance FROM account')).rows[0].balance as number,
    });
    assert.equal(balance, 100);
    return 'rollback on PostgreSQL: the charge refunded once over HTTP, its result recorded in the same transaction';
  } finally {
    await pool.end();
  }
}

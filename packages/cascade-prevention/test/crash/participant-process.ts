/**
 * A rollback participant as its own process for the crash suite. Arguments: <agent> <port> <store…>. Keeps its
 * fences and records in a durable participant store, and in the same database an `effect` row per compensation
 * applied (written in the compensation's own transaction) and a `work` row per piece of new work accepted.
 * Serves `POST /<agent>/{fence,compensate,result,release}` and `POST /<agent>/work/<resource>` (new work: 200 when
 * accepted, 409 when fenced). Prints `ready <port>` once listening. `CRASH=<point>:<n>` kills it with SIGKILL.
 */
import { writeSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { ectHash, isSafetyNetError } from '@safety-net/core';
import type { PgPoolClient } from '@safety-net/core/postgres';
import Database from 'better-sqlite3';
import { poolOn } from '../../../../test-support/postgres.js';
import { migrate, PostgresParticipantStore } from '../../src/postgres.js';
import { participantHandler, RollbackParticipant } from '../../src/rollback/index.js';
import { type SqliteDatabase, SqliteParticipantStore } from '../../src/sqlite.js';
import { type Agent, agentId, agentKey, crashPoint, crashWorld, type StoreArgs } from './world.js';

const [agent, port, ...storeArgs] = process.argv.slice(2) as [Agent, string, ...string[]];
const spec = storeArgs as unknown as StoreArgs;
const crash = crashPoint();
const world = crashWorld();
const TABLES =
  'CREATE TABLE IF NOT EXISTS effect (key TEXT NOT NULL); CREATE TABLE IF NOT EXISTS work (resource TEXT NOT NULL);';

/** The participant over the store `spec` names, with its effect written through the store's transaction. */
async function open() {
  if (spec[0] === 'sqlite') {
    const db = new Database(spec[1]);
    const store = new SqliteParticipantStore(db);
    db.exec(TABLES);
    const participant = new RollbackParticipant<SqliteDatabase>({
      agent: agentId(agent),
      key: agentKey(agent),
      coordinators: world.coordinators,
      store,
      handlers: {
        [`${agent}.undo`]: async ({ key, step, commit }) => {
          crash('before-effect');
          const done = await commit((tx) => {
            tx.prepare('INSERT INTO effect (key) VALUES (?)').run(key);
            return { state: ectHash(`before ${step.task}`) };
          });
          crash('after-commit');
          return done;
        },
      },
    });
    const accept = async (resource: string) => void db.prepare('INSERT INTO work (resource) VALUES (?)').run(resource);
    return { participant, accept };
  }
  const pool = poolOn(spec[1], spec[2], 4);
  await migrate(pool);
  await pool.query(TABLES);
  const store = new PostgresParticipantStore(pool);
  const participant = new RollbackParticipant<PgPoolClient>({
    agent: agentId(agent),
    key: agentKey(agent),
    coordinators: world.coordinators,
    store,
    handlers: {
      [`${agent}.undo`]: async ({ key, step, commit }) => {
        crash('before-effect');
        const done = await commit(async (client) => {
          await client.query('INSERT INTO effect (key) VALUES ($1)', [key]);
          return { state: ectHash(`before ${step.task}`) };
        });
        crash('after-commit');
        return done;
      },
    },
  });
  const accept = async (resource: string) =>
    void (await pool.query('INSERT INTO work (resource) VALUES ($1)', [resource]));
  return { participant, accept };
}

const { participant, accept } = await open();
await participant.open();
const handle = participantHandler(participant);
const server = createAdaptorServer({
  fetch: async (request: Request) => {
    const [, , resource, target] = new URL(request.url).pathname.split('/');
    if (resource === 'work') {
      try {
        participant.fence.check(decodeURIComponent(target ?? ''));
      } catch (e) {
        if (isSafetyNetError(e, 'ERR_CP_FENCED')) return new Response(null, { status: 409 });
        throw e;
      }
      await accept(decodeURIComponent(target ?? ''));
      return new Response(null, { status: 200 });
    }
    const response = await handle(request);
    if (response.ok) crash(`after-${resource}`);
    return response;
  },
});
server.listen(Number(port), '127.0.0.1', () => {
  writeSync(1, `ready ${(server.address() as AddressInfo).port}\n`);
});

/**
 * The rollback coordinator of the crash suite as its own process. Arguments: <endpoints JSON> <store…>. Starts (or
 * continues) the rollback of the crash world, then resumes until every release is acknowledged. Prints each event
 * as a JSON line, written synchronously so that what was printed before a SIGKILL reaches the parent, and
 * `{"done": …}` at the end. `CRASH=<point>:<n>` kills it with SIGKILL at `before-<call>`, `after-<call>` (a call
 * answered, its answer not yet recorded) or `mid-release` (after the first release acknowledged).
 */
import { writeSync } from 'node:fs';
import { poolOn } from '../../../../test-support/postgres.js';
import { PostgresRollbackStore } from '../../src/postgres.js';
import {
  httpTransport,
  RollbackCoordinator,
  type RollbackStore,
  type RollbackTransport,
} from '../../src/rollback/index.js';
import { SqliteRollbackStore } from '../../src/sqlite.js';
import { COORDINATOR, coordinatorKey, crashPoint, crashWorld, type StoreArgs } from './world.js';

const [endpoints, ...storeArgs] = process.argv.slice(2) as [string, ...string[]];
const spec = storeArgs as unknown as StoreArgs;
const urls = JSON.parse(endpoints) as Record<string, string>;
const crash = crashPoint();
const world = crashWorld();
const print = (line: object) => writeSync(1, `${JSON.stringify({ ...line, at: Date.now() })}\n`);

const http = httpTransport({ endpointOf: (to) => urls[to.agent] });
/** Every call, wrapped with its crash points. */
const around =
  <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    crash(`before-${name}`);
    const out = await call(...args);
    crash(`after-${name}`);
    return out;
  };
const transport: RollbackTransport = {
  raiseFences: around('fence', http.raiseFences),
  compensate: around('compensate', http.compensate),
  result: around('result', http.result!),
  releaseFences: around('release', http.releaseFences),
};

let store: RollbackStore;
let close = async () => {};
if (spec[0] === 'sqlite') {
  const sqlite = new SqliteRollbackStore(spec[1]);
  store = sqlite;
  close = async () => sqlite.close();
} else {
  const pool = poolOn(spec[1], spec[2], 2);
  store = new PostgresRollbackStore(pool);
  close = () => pool.end();
}
const coordinator = new RollbackCoordinator({
  iss: COORDINATOR,
  key: coordinatorKey,
  instance: 'crash-coordinator',
  dag: world.dag,
  checkpoints: world.checkpoints,
  participants: world.participants,
  transport,
  store,
  retry: { attempts: 200, baseDelayMs: 20, maxDelayMs: 250 },
  callTimeoutMs: 3000,
  leaseTtlMs: 10_000,
  onEvent: (event) => {
    print(event.type === 'attempt' || event.type === 'settled' ? { ...event, step: event.step.step } : event);
    if (event.type === 'released') crash('mid-release');
  },
});
let outcome = await coordinator.rollback(world.request);
while (!outcome.released) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const [again] = await coordinator.resume();
  if (!again) break; // nothing left unfinished: released meanwhile
  outcome = again;
}
await close();
print({ done: { status: outcome.status, compensated: outcome.compensated, failed: outcome.failed } });

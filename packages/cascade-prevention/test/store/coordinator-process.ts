/**
 * A rollback coordinator as its own process, for the kill-and-restart test: `start` begins the rollback of the
 * test world, `resume` finishes whatever the SQLite store holds. Prints the outcome as JSON.
 * Arguments: <database file> <participants' base URL> <start | resume>.
 */
import { httpTransport, RollbackCoordinator } from '../../src/rollback/index.js';
import { SqliteRollbackStore } from '../../src/sqlite.js';
import { badBatch, makeWorld } from '../rollback/world.js';

const [database, base, mode] = process.argv.slice(2) as [string, string, 'start' | 'resume'];
const world = makeWorld();
const transport = httpTransport({ endpointOf: (to) => `${base}/${to.agent.slice(to.agent.lastIndexOf('/') + 1)}` });
const store = new SqliteRollbackStore(database);
const coordinator = new RollbackCoordinator({ ...world.coordinatorOptions({ transport }), store });
const outcome = mode === 'start' ? await coordinator.rollback(badBatch) : (await coordinator.resume())[0];
store.close();
process.stdout.write(JSON.stringify(outcome && { status: outcome.status, compensated: outcome.compensated }));

/**
 * A rollback coordinator as its own process, for the kill-and-restart test: `start` begins the rollback of the
 * test world, `resume` finishes whatever the durable store holds. Prints the outcome as JSON.
 * Arguments: <participants' base URL> <start | resume> <store: sqlite FILE | postgres URL SCHEMA>.
 */
import { httpTransport, RollbackCoordinator } from '../../src/rollback/index.js';
import { badBatch, makeWorld } from '../rollback/world.js';
import { openStore, type StoreSpec } from './open-store.js';

const [base, mode, ...spec] = process.argv.slice(2) as [string, 'start' | 'resume', ...string[]];
const world = makeWorld();
const transport = httpTransport({ endpointOf: (to) => `${base}/${to.agent.slice(to.agent.lastIndexOf('/') + 1)}` });
const { store, close } = openStore(spec as unknown as StoreSpec);
const coordinator = new RollbackCoordinator({ ...world.coordinatorOptions({ transport }), store });
const outcome = mode === 'start' ? await coordinator.rollback(badBatch) : (await coordinator.resume())[0];
await close();
process.stdout.write(JSON.stringify(outcome && { status: outcome.status, compensated: outcome.compensated }));

/**
 * An agent process for the kill test: opens its guard over the SQLite file named by argv[2], receives an Emergency
 * stop, reports the acknowledgement's status, then keeps running until it is killed.
 */

import { SqliteStateStore } from '../../src/sqlite.js';
import { SAMPLE_KEYS, sampleSignalClaims } from '../../src/testing.js';
import { openGuard, signal } from '../guard/world.js';

const { guard } = await openGuard({ store: new SqliteStateStore(process.argv[2]!) });
const answer = await guard.receive(
  signal('s-kill', 10, 'stop', { ...sampleSignalClaims, jti: 's-kill', seq: 10 }, SAMPLE_KEYS.safetyOfficer),
);
process.stdout.write(`${answer.claims.status} ${guard.mode()}\n`);
setInterval(() => {}, 1000);

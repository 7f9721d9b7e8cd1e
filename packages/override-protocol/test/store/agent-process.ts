/**
 * An agent process for the kill tests: opens its guard over the SQLite file named by argv[2], then, as argv[3] says,
 * receives an Emergency stop (`stop`, the default), takes a lease (`lease`), or asks approval for a gated action
 * (`approval`); reports on stdout, then keeps running until it is killed.
 */

import { decodeCbor, decodeSign1 } from '@safety-net/core';
import { approvalRequest } from '../../src/index.js';
import { SqliteStateStore } from '../../src/sqlite.js';
import { SAMPLE_KEYS, sampleSignalClaims } from '../../src/testing.js';
import { leaseOf, leaseOptions, openGuard, signal } from '../guard/world.js';

const store = new SqliteStateStore(process.argv[2]!);
const scenario = process.argv[3] ?? 'stop';
const say = (line: string) => process.stdout.write(`${line}\n`);

if (scenario === 'stop') {
  const { guard } = await openGuard({ store });
  const answer = await guard.receive(
    signal('s-kill', 10, 'stop', { ...sampleSignalClaims, jti: 's-kill', seq: 10 }, SAMPLE_KEYS.safetyOfficer),
  );
  say(`${answer.claims.status} ${guard.mode()}`);
} else if (scenario === 'lease') {
  const { guard } = await openGuard({ store, lease: leaseOptions() });
  await guard.acceptLease(leaseOf());
  say(guard.mode());
} else {
  const { guard } = await openGuard({
    store,
    approvals: {
      onRequest: (bytes) => {
        const claims = approvalRequest.parse(approvalRequest.fromCbor(decodeCbor(decodeSign1(bytes).payload!)));
        say(`requested ${claims.jti}`);
      },
    },
  });
  const dispense = { name: 'dispense', params: { drug: 'heparin', units: 5000 }, task: 'task-dispense-4' };
  guard.run(dispense, () => say('RAN')).catch((e) => say(`refused ${e.code}`));
}
setInterval(() => {}, 1000);

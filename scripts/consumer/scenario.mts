/**
 * The consumer test's scenario, run against the packed packages as an application installs them: an ECT signed
 * and verified, a breaker tripping, a rollback whose coordinator journals in SQLite, and an error thrown by the
 * CJS build recognised by the ESM build. Each check throws when it fails.
 */
import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CheckpointClaims } from '@safety-net/cascade-prevention';
import {
  CircuitBreaker,
  inProcessTransport,
  RollbackCoordinator,
  RollbackParticipant,
} from '@safety-net/cascade-prevention';
import { SqliteRollbackStore } from '@safety-net/cascade-prevention/sqlite';
import {
  EctDag,
  ect,
  ectHash,
  generateKey,
  isSafetyNetError,
  keySet,
  newEctClaims,
  publicKeyOf,
  SafetyNetError,
} from '@safety-net/core';

const [directory = '.'] = process.argv.slice(2);

// An ECT, signed and verified; a tampered copy refused with its code.
const agentKey = generateKey('P-256');
const claims = newEctClaims({ iss: 'agent-a', aud: 'agent-b', wid: 'wf-1', exec_act: 'inventory.reserve' });
const token = ect.sign(claims, agentKey);
const verified = ect.verify(token, { key: publicKeyOf(agentKey), audience: 'agent-b' });
assert.ok(verified.ok, 'the ECT verifies');
assert.equal(verified.claims.exec_act, 'inventory.reserve');
const tampered = token.slice();
tampered[tampered.length - 1]! ^= 1;
const refused = ect.verify(tampered, { key: publicKeyOf(agentKey), audience: 'agent-b' });
assert.ok(!refused.ok && refused.error.code === 'ERR_COSE_BAD_SIGNATURE', 'a tampered ECT is refused');

// A breaker that opens after four failures and answers from the fallback.
const breaker = new CircuitBreaker({
  id: 'pool',
  dependency: 'pool',
  window: { kind: 'count', size: 4 },
  minimumCalls: 4,
});
for (let i = 0; i < 4; i++) await breaker.execute(async () => Promise.reject(new Error('down'))).catch(() => {});
assert.equal(breaker.state, 'open');
assert.equal(await breaker.execute(async () => 'fresh', { fallback: () => 'cached' }), 'cached');

// A rollback of one task, journalled in SQLite, compensated exactly once by its agent.
const coordinatorKey = generateKey('Ed25519');
const inventoryKey = generateKey('Ed25519');
const inventory = 'spiffe://example.org/inventory';
const coordinator = 'spiffe://example.org/coordinator';
const now = Math.floor(Date.now() / 1000);
const dag = new EctDag();
dag.insert({ jti: 'task-1', wid: 'wf-1', iat: now - 10, iss: inventory, exec_act: 'inventory.reserve', pred: [] });
const checkpoint: CheckpointClaims = {
  iss: inventory,
  iat: now - 10,
  jti: 'ckpt-1',
  wid: 'wf-1',
  pred: ['task-1'],
  task: 'task-1',
  resource: 'stock/sku-42',
  before: ectHash('qty=10'),
  after: ectHash('qty=7'),
  undo: { action: 'inventory.release', params: ectHash('release 3') },
};
let compensated = 0;
const participant = new RollbackParticipant({
  agent: inventory,
  key: inventoryKey,
  coordinators: keySet([{ key: publicKeyOf(coordinatorKey), issuers: [coordinator] }]),
  handlers: {
    'inventory.release': async () => {
      compensated++;
      return { state: ectHash('qty=10') };
    },
  },
});
const store = new SqliteRollbackStore(join(directory, 'rollbacks.db'));
const outcome = await new RollbackCoordinator({
  iss: coordinator,
  key: coordinatorKey,
  dag,
  checkpoints: (jti) => (jti === 'task-1' ? checkpoint : undefined),
  participants: keySet([{ key: publicKeyOf(inventoryKey), issuers: [inventory] }]),
  transport: inProcessTransport([participant]),
  store,
}).rollback({
  rollback: 'rb-1',
  root_cause: 'task-1',
  scope: 'descendants',
  known_good: [],
  reason: 'bad batch',
  deadline: now + 600,
});
assert.equal(outcome.status, 'completed');
assert.equal(compensated, 1);
assert.deepEqual(await store.unfinished(), []);
store.close();

// The dual-package hazard: an error thrown by the CJS build is a Safety Net error to the ESM build.
const cjsCore = createRequire(import.meta.url)('@safety-net/core') as typeof import('@safety-net/core');
assert.notEqual(cjsCore.SafetyNetError, SafetyNetError, 'the CJS and the ESM build are two copies');
let thrown: unknown;
try {
  cjsCore.decodeCbor(Uint8Array.of(0x82, 0x01));
} catch (e) {
  thrown = e;
}
assert.ok(!(thrown instanceof SafetyNetError), 'instanceof cannot see across the builds');
assert.ok(isSafetyNetError(thrown, 'ERR_CBOR_TRUNCATED'), "the ESM build recognises the CJS build's error");

console.log('scenario: ECT, breaker, SQLite rollback and cross-build errors all as expected');

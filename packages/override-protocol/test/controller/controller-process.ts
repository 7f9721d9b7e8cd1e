/**
 * A control plane process for the kill tests, over the SQLite file argv[3]; argv[4] is the offset of its clock from
 * the real one, so that it runs at the sample time its agents' policy is valid at. Scenario argv[2]:
 *
 * - `resend`: issues an Emergency stop to the agent whose endpoint is argv[5], prints the signal's jti, then keeps
 *   resending until it is killed;
 * - `leases`: registers pull-only agents 1 and 2, issues an Emergency stop to agent 2, grants 5 s leases (safe
 *   state `pause`), serves its control-plane handler with pull delivery on loopback, and prints its origin and the
 *   signal's jti; then renews the leases and answers heartbeats until it is killed.
 */
import { publicKeyOf } from '@safety-net/core';
import { OverrideController } from '../../src/controller/controller.js';
import { controlPlaneHandler } from '../../src/controller/handler.js';
import { SqliteControllerStore } from '../../src/sqlite.js';
import { SAMPLE_CTL, SAMPLE_KEYS } from '../../src/testing.js';
import { agentId, agentKey, emergencyStop, serve } from './world.js';

const [scenario, file, offset, endpoint] = process.argv.slice(2) as [string, string, string, string?];
const clock = { now: () => Date.now() - Number(offset) };
const controller = new OverrideController({
  ctl: SAMPLE_CTL,
  key: SAMPLE_KEYS.ctl,
  signer: SAMPLE_KEYS.safetyOfficer,
  store: new SqliteControllerStore(file),
  clock,
  instance: 'before',
  claimMs: 500,
});
const iat = Math.floor(clock.now() / 1000);
if (scenario === 'resend') {
  await controller.registerAgent({ id: agentId(0), key: publicKeyOf(agentKey(0)), endpoint, domains: ['ward-3'] });
  const issued = await controller.issue(emergencyStop({ iat }));
  process.stdout.write(`${issued.jti}\n`);
} else {
  for (const i of [1, 2]) await controller.registerAgent({ id: agentId(i), key: publicKeyOf(agentKey(i)) });
  const issued = await controller.issue(
    emergencyStop({ iat, scope: { kind: 'agent', target: agentId(2), propagate: false } }),
  );
  controller.startLeases({ ttl: 5, safeState: 'pause', policy: { pid: 'ward-3', ver: 4 } });
  const http = await serve(controlPlaneHandler(controller, { pull: { authorize: () => true } }));
  process.stdout.write(`${http.origin} ${issued.jti}\n`);
}
setInterval(() => {}, 1000);

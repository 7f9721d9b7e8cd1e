/**
 * A control plane process for the kill test: over the SQLite file argv[2], it issues an Emergency stop to the agent
 * whose endpoint is argv[3], prints the signal's jti, then keeps resending until it is killed. argv[4] is the offset
 * of its clock from the real one, so that it runs at the sample time its agent's policy is valid at.
 */
import { publicKeyOf } from '@safety-net/core';
import { OverrideController } from '../../src/controller/controller.js';
import { SqliteControllerStore } from '../../src/sqlite.js';
import { SAMPLE_CTL, SAMPLE_KEYS } from '../../src/testing.js';
import { agentId, agentKey, emergencyStop } from './world.js';

const [file, endpoint, offset] = process.argv.slice(2) as [string, string, string];
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
controller.registerAgent({ id: agentId(0), key: publicKeyOf(agentKey(0)), endpoint, domains: ['ward-3'] });
const issued = await controller.issue(emergencyStop({ iat: Math.floor(clock.now() / 1000) }));
process.stdout.write(`${issued.jti}\n`);
setInterval(() => {}, 1000);

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeyOf, utf8 } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { registrationOf } from '../../src/controller/registration-record.js';
import { SqliteControllerStore } from '../../src/sqlite.js';
import { agentId, agentKey, emergencyStop, leasedGuard, ManualTime, makeController, NOW } from './world.js';

const dir = mkdtempSync(join(tmpdir(), 'ov-ctl-registrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('registrations kept in the controller’s store (spec §10)', () => {
  it('a controller restarted on the file knows each agent as registered, its binary kid included', async () => {
    const file = join(dir, 'registrations.db');
    const time = new ManualTime(NOW * 1000);
    const first = makeController(time, { store: new SqliteControllerStore(file) });
    const binaryKid = { ...publicKeyOf(agentKey(2)), kid: new Uint8Array([0xff, 0x00, 0x81]) };
    await first.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'], peers: ['p'] });
    await first.registerAgent({
      id: agentId(2),
      key: binaryKid,
      endpoint: 'https://agent-2.example/.well-known/safety-net/override',
      workflows: ['wf-9'],
      tasks: ['t-9'],
    });
    // Registered again with another domain: the newest registration is the one kept.
    await first.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-4'] });
    await first.close();

    const store = new SqliteControllerStore(file);
    const second = makeController(time, { store });
    const stopOf = (kind: 'domain' | 'workflow', target: string) =>
      emergencyStop({ scope: { kind, target, propagate: false }, jti: `s-${target}` });
    // Before resume() it knows nobody; after it, each agent with what it was registered with.
    expect((await second.issue({ ...stopOf('domain', 'ward-4'), jti: 's-before' })).agents).toEqual([]);
    await second.resume();
    expect((await second.issue(stopOf('domain', 'ward-4'))).agents).toEqual([agentId(1)]);
    expect((await second.issue(stopOf('domain', 'ward-3'))).agents).toEqual([]);
    expect((await second.issue(stopOf('workflow', 'wf-9'))).agents).toEqual([agentId(2)]);
    // The restored key verifies the agent's heartbeats.
    second.startLeases({ ttl: 30, policy: { pid: 'ward-3', ver: 4 } });
    const { guard } = await leasedGuard(time, 1);
    const { claims } = await second.heartbeat(guard.heartbeat());
    expect(claims.iss).toBe(agentId(1));
    await guard.close();
    await second.close();
    const kept = (await store.agents()).map(registrationOf);
    expect(kept.map((a) => a.id).sort()).toEqual([agentId(1), agentId(2)]);
    expect(kept.find((a) => a.id === agentId(2))).toEqual({
      id: agentId(2),
      key: binaryKid,
      endpoint: 'https://agent-2.example/.well-known/safety-net/override',
      workflows: ['wf-9'],
      tasks: ['t-9'],
    });
    await store.close();
  });

  it('refuses to resume over a registration it cannot read (ERR_INPUT_INVALID)', async () => {
    const file = join(dir, 'unreadable.db');
    const store = new SqliteControllerStore(file);
    await store.addAgent({ id: agentId(3), bytes: utf8('{"key":"not a COSE_Key"}') });
    const controller = makeController(new ManualTime(NOW * 1000), { store });
    await expect(controller.resume()).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    await store.close();
  });
});

import { publicKeyOf } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import { acknowledgement } from '../../src/index.js';
import { openGuard } from '../guard/world.js';
import { agentId, agentKey, emergencyStop, ManualTime, makeController, NOW } from './world.js';

/** Agents 1 and 2 of the ward, pull-only (no endpoint): their acknowledgements come by `acknowledge`. */
async function ward(time: ManualTime, store: MemoryControllerStore) {
  const controller = makeController(time, { store });
  for (const i of [1, 2])
    controller.registerAgent({ id: agentId(i), key: publicKeyOf(agentKey(i)), domains: ['ward-3'] });
  const guards = await Promise.all(
    [1, 2].map(async (i) => (await openGuard({ agent: agentId(i), key: agentKey(i), domains: ['ward-3'] })).guard),
  );
  return { controller, guards };
}

describe('acknowledged (spec §10): every agent of the scope answered finally', () => {
  it('resolves from the store after a restart, before and after resume', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const first = await ward(time, store);
    const issued = await first.controller.issue(emergencyStop());
    for (const guard of first.guards) await first.controller.acknowledge((await guard.receive(issued.bytes)).ack);
    expect((await first.controller.acknowledged(issued.jti)).map((d) => d.state)).toEqual(['final', 'final']);
    await first.controller.close();

    // The same instance restarted over the same store: answered in the store, so acknowledged without resuming.
    const second = await ward(time, store);
    const stored = await second.controller.acknowledged(issued.jti);
    expect(stored.map((d) => [d.agent, d.state])).toEqual([
      [agentId(1), 'final'],
      [agentId(2), 'final'],
    ]);
    expect(await second.controller.resume()).toBe(2);
    expect((await second.controller.acknowledged(issued.jti)).map((d) => d.state)).toEqual(['final', 'final']);
    await second.controller.close();
  });

  it('after resume, waits for the agents still unanswered and only for them', async () => {
    const time = new ManualTime(NOW * 1000);
    const store = new MemoryControllerStore();
    const first = await ward(time, store);
    const issued = await first.controller.issue(emergencyStop());
    await first.controller.acknowledge((await first.guards[0]!.receive(issued.bytes)).ack);
    await first.controller.close();

    const second = await ward(time, store);
    await expect(second.controller.acknowledged(issued.jti)).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    expect(await second.controller.resume()).toBe(2);
    let done = false;
    const acknowledged = second.controller.acknowledged(issued.jti).then((d) => {
      done = true;
      return d;
    });
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    const late = await second.guards[1]!.receive(issued.bytes);
    // A replay of agent 1's answer changes nothing; agent 2's completes the scope.
    await second.controller.acknowledge(late.ack);
    expect((await acknowledged).map((d) => [d.agent, d.state])).toEqual([
      [agentId(1), 'final'],
      [agentId(2), 'final'],
    ]);
    await second.controller.close();
  });

  it('verifies an acknowledgement under the registered key of the agent it names, or says why not', async () => {
    const time = new ManualTime(NOW * 1000);
    const { controller, guards } = await ward(time, new MemoryControllerStore());
    const issued = await controller.issue(emergencyStop());
    const { ack, claims } = await guards[0]!.receive(issued.bytes);
    await expect(controller.acknowledge(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      code: 'ERR_INPUT_INVALID',
    });
    const stranger = acknowledgement.sign({ ...claims, iss: agentId(9) }, agentKey(9));
    await expect(controller.acknowledge(stranger)).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    const forged = acknowledgement.sign(claims, agentKey(2));
    await expect(controller.acknowledge(forged)).rejects.toMatchObject({ code: 'ERR_COSE_BAD_SIGNATURE' });
    expect(await controller.acknowledge(ack)).toEqual({ claims, duplicate: false });
    expect((await controller.acknowledge(ack)).duplicate).toBe(true);
    await controller.close();
  });
});

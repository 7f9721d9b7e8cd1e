import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicKeyOf } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { startScript } from '../../../../test-support/child-process.js';
import { OverrideController } from '../../src/controller/controller.js';
import { SqliteControllerStore } from '../../src/sqlite.js';
import { SAMPLE_CTL, SAMPLE_KEYS } from '../../src/testing.js';
import { agentKey, NOW, servedAgent, until } from './world.js';

const script = fileURLToPath(new URL('./controller-process.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ov-ctl-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a control plane killed (SIGKILL) while an agent is not answering', () => {
  it('resumes resending its outstanding delivery after a restart over its SQLite store (spec §10)', async () => {
    const file = join(dir, 'ctl.db');
    let down = true;
    const agent = await servedAgent(0, async () =>
      down ? Response.json({ code: 'ERR_OV_STORE_FAILED' }, { status: 503 }) : undefined,
    );
    const offset = Date.now() - NOW * 1000;
    const clock = { now: () => Date.now() - offset };
    const child = startScript(script, ['resend', file, String(offset), agent.endpoint]);
    const jti = await child.firstOutput;
    // It was resending (Emergency: every 250 ms) when it was killed.
    await until(() => agent.requests() >= 3, 'resends before the kill');
    expect(await child.kill()).toBe('SIGKILL');
    const before = agent.requests();
    await new Promise((r) => setTimeout(r, 700)); // its 500 ms claims expire; nobody resends meanwhile
    expect(agent.requests()).toBe(before);
    expect(agent.guard.mode()).toBe('running');

    down = false;
    const store = new SqliteControllerStore(file);
    const controller = new OverrideController({
      ctl: SAMPLE_CTL,
      key: SAMPLE_KEYS.ctl,
      store,
      clock,
      instance: 'after',
    });
    controller.registerAgent({ id: agent.id, key: publicKeyOf(agentKey(0)), endpoint: agent.endpoint });
    expect(await controller.resume()).toBe(1);
    const [delivery] = await controller.acknowledged(jti);
    expect(delivery).toMatchObject({ agent: agent.id, state: 'final' });
    expect(agent.guard.mode()).toBe('stopped');
    const stored = await store.deliveries(jti);
    expect(stored[0]!.state).toBe('final');
    // The attempts of the killed process are on record, and the one that reached the agent after the restart.
    expect(stored[0]!.attempts).toBeGreaterThanOrEqual(before + 1);
    expect((await store.acks(jti)).map((a) => a.status)).toEqual(['complied']);
    await controller.close();
    await store.close();
    await agent.close();
  }, 60_000);
});

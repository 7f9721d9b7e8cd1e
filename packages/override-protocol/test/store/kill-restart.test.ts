import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCbor, decodeSign1, fixedClock } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { startScript } from '../../../../test-support/child-process.js';
import { approvalDecision, approvalRequest, heartbeat } from '../../src/index.js';
import { SqliteStateStore } from '../../src/sqlite.js';
import { SAMPLE_KEYS, sampleLeaseClaims } from '../../src/testing.js';
import { codeOf, leaseOptions, NOW, openGuard } from '../guard/world.js';

const script = fileURLToPath(new URL('./agent-process.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ov-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the agent process on a fresh SQLite file until it reports, then SIGKILLs it; answers its file and output. */
async function runAndKill(scenario: string): Promise<{ file: string; output: string }> {
  const file = join(dir, `${scenario}.db`);
  const agent = startScript(script, [file, scenario]);
  const output = await agent.firstOutput;
  expect(await agent.kill()).toBe('SIGKILL');
  return { file, output };
}

describe('an agent killed (SIGKILL) and restarted over its SQLite store (spec §8.5)', () => {
  it('is still stopped after obeying a stop', async () => {
    const { file, output } = await runAndKill('stop');
    expect(output).toBe('complied stopped');
    const { guard } = await openGuard({ store: new SqliteStateStore(file), policy: undefined });
    expect(guard.mode()).toBe('stopped');
    expect(guard.state('spiffe://example.org/override-ctl').holds).toEqual(['s-kill']);
    expect(await codeOf(guard.run({ name: 'pharmacy.dispense' }, async () => 'dispensed'))).toBe('ERR_OV_STOPPED');
    await guard.close();
  }, 60_000);

  it('is in its safe state when its lease lapsed while it was down (spec §9)', async () => {
    const { file, output } = await runAndKill('lease');
    expect(output).toBe('running');
    const store = new SqliteStateStore(file);
    const { guard } = await openGuard({ store, clock: fixedClock((NOW + 40) * 1000), lease: leaseOptions() });
    expect(guard.mode()).toBe('safe_state');
    expect(await codeOf(guard.run({ name: 'pharmacy.dispense' }, async () => 'dispensed'))).toBe('ERR_OV_SAFE_STATE');
    const beat = heartbeat.parse(heartbeat.fromCbor(decodeCbor(decodeSign1(guard.heartbeat()).payload!)));
    expect(beat.lapsed_at).toBe(NOW + 32);
    await guard.close();
    // The lapse hold itself was written, with lapsed_at.
    const stored = await new SqliteStateStore(file).load();
    expect(stored.holds.map((h) => [h.jti, h.safe_state, h.lapsed_at])).toEqual([
      [`lapse:${sampleLeaseClaims.jti}`, 'stop', NOW + 32],
    ]);
  }, 60_000);

  it('does not run a gated action unapproved: the stored request waits, and runs once approved', async () => {
    const { file, output } = await runAndKill('approval');
    const jti = /^requested (\S+)$/.exec(output)?.[1];
    expect(jti).toBeDefined();
    const { guard } = await openGuard({ store: new SqliteStateStore(file) });
    const pending = guard
      .pendingApprovals()
      .map((b) => approvalRequest.parse(approvalRequest.fromCbor(decodeCbor(decodeSign1(b).payload!))));
    expect(pending.map((r) => r.jti)).toEqual([jti]);
    const ran: string[] = [];
    const action = { name: 'dispense', params: { drug: 'heparin', units: 5000 }, task: 'task-dispense-4' };
    const running = guard.run(action, async () => ran.push('ran'));
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual([]);
    const request = pending[0]!;
    await guard.acceptDecision(
      approvalDecision.sign(
        {
          iss: 'mailto:ines@example.org',
          iat: NOW,
          exp: request.exp,
          jti: 'apd-after-restart',
          wid: request.wid,
          pred: [request.jti],
          request: request.jti,
          act_digest: request.act_digest,
          role: 'pharmacist',
          decision: 'approve',
        },
        SAMPLE_KEYS.safetyOfficer2,
      ),
    );
    await running;
    expect(ran).toEqual(['ran']);
    expect(guard.pendingApprovals()).toEqual([]);
    await guard.close();
  }, 60_000);
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/sqlite.js';
import { codeOf, openGuard } from '../guard/world.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const script = fileURLToPath(new URL('./agent-process.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ov-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an agent killed (SIGKILL) after obeying a stop', () => {
  it('is still stopped when it restarts over its SQLite store (spec §8.5)', async () => {
    const file = join(dir, 'agent.db');
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, file], { cwd: repoRoot });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => resolve(String(d).trim()));
      child.on('exit', () => reject(new Error(`agent exited before answering: ${err}`)));
    });
    expect(line).toBe('complied stopped');
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const { guard } = await openGuard({ store: new SqliteStateStore(file), policy: undefined });
    expect(guard.mode()).toBe('stopped');
    expect(guard.state('spiffe://example.org/override-ctl').holds).toEqual(['s-kill']);
    expect(await codeOf(guard.run({ name: 'pharmacy.dispense' }, async () => 'dispensed'))).toBe('ERR_OV_STOPPED');
    await guard.close();
  }, 60_000);
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCbor } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDisclosureStore, SqliteLogStore } from '../../src/sqlite.js';
import { testLog } from '../support/log-fixture.js';
import { eraserOver, vaultOver } from './process-fixture.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const script = fileURLToPath(new URL('./erasure-process.ts', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runUntilKilled(dir: string, point: string) {
  return new Promise<NodeJS.Signals | null>((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, dir, point], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    child.on('exit', (_code, signal) => resolve(signal));
  });
}

const tombstones = async (log: ReturnType<typeof testLog>) => {
  const { size } = await log.treeHead();
  const kinds = [];
  for (let i = 0; i < size; i++) kinds.push((decodeCbor(await log.entry(i)) as [number, string])[1]);
  return kinds.filter((k) => k === 'tombstone').length;
};

describe('SIGKILL during an erasure (SQLite), then restart', () => {
  it.each([
    ['before-destroy', false],
    ['after-destroy', true],
    ['after-append', true],
  ])(
    'killed %s: the erasure did not start, or its key is gone and exactly one tombstone is logged',
    async (point, done) => {
      const dir = mkdtempSync(join(tmpdir(), 'au-erase-kill-'));
      dirs.push(dir);
      expect(await runUntilKilled(dir, point)).toBe('SIGKILL');
      const store = new SqliteDisclosureStore(join(dir, 'vault.db'));
      const log = testLog(new SqliteLogStore(join(dir, 'log.db')));
      const eraser = eraserOver(vaultOver(store), log);
      await eraser.resume();
      const key = await store.wrappedKey('patient-0');
      if (done) {
        expect(key).toBeUndefined();
        expect(await tombstones(log)).toBe(1);
      } else {
        expect(key).toBeDefined();
        expect(await tombstones(log)).toBe(0);
      }
      expect(await store.intents()).toEqual([]);
      // A second resume appends nothing more.
      await eraser.resume();
      expect(await tombstones(log)).toBe(done ? 1 : 0);
      await store.close();
    },
    60_000,
  );
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { migrate } from '../../src/postgres.js';
import { serveParticipants } from '../rollback/serve.js';
import { makeWorld } from '../rollback/world.js';
import { openStore, type StoreSpec } from './open-store.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const script = fileURLToPath(new URL('./coordinator-process.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cp-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());

/** Runs the coordinator process; resolves with its output and how it ended. */
function coordinatorProcess(args: string[], onSpawn: (child: ChildProcess) => void = () => {}) {
  return new Promise<{ out: string; code: number | null; signal: NodeJS.Signals | null; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, ...args], {
      cwd: repoRoot,
    });
    onSpawn(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code, signal) => resolve({ out, code, signal, err }));
  });
}

/** A new, empty durable store of each kind; the PostgreSQL one in its own migrated schema. */
const stores: Array<{ name: string; skip?: boolean; spec: () => Promise<StoreSpec> }> = [
  { name: 'SQLite', spec: async () => ['sqlite', join(dir, 'coordinator.sqlite')] },
  {
    name: url ? 'PostgreSQL' : `PostgreSQL (${PG_MISSING})`,
    skip: !url,
    spec: async () => {
      const schema = await schemas!.create();
      await migrate(schemas!.pool(schema, 1));
      return ['postgres', url!, schema];
    },
  },
];

describe.each(stores)('coordinator killed mid-rollback (SIGKILL) and restarted over $name', ({ skip, spec }) => {
  it.skipIf(skip)('finishes the rollback without compensating any task twice or missing one', async () => {
    const store = await spec();
    const world = makeWorld();
    let child: ChildProcess | undefined;
    let compensations = 0;
    const served = await serveParticipants(world.participants, async (resource) => {
      // The second compensation has been carried out by its participant: kill the coordinator before it hears so.
      if (resource === 'compensate' && ++compensations === 2 && child) {
        const exited = new Promise((resolve) => child!.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    });
    try {
      const first = await coordinatorProcess([served.base, 'start', ...store], (c) => (child = c));
      expect(first.signal).toBe('SIGKILL');
      const midway = openStore(store);
      const stored = (await midway.store.load('rb-1001'))!;
      await midway.close();
      // Only calls that came back with a failure use up attempts: the call cut short by the kill used none.
      expect(stored.steps.map((s) => [s.status, s.attempts])).toEqual([
        ['compensated', 0],
        ['pending', 0],
        ['pending', 0],
      ]);
      expect([...world.applied.values()]).toEqual([1, 1]);

      child = undefined;
      const second = await coordinatorProcess([served.base, 'resume', ...store]);
      expect(second.code, second.err).toBe(0);
      expect(JSON.parse(second.out)).toEqual({
        status: 'completed',
        compensated: ['task-payment', 'task-shipping', 'task-inventory'],
      });
      expect(Object.fromEntries(world.applied)).toEqual({ payment: 1, shipping: 1, inventory: 1 });
      expect(world.state).toEqual(world.expectedAfterRollback);
    } finally {
      await served.close();
    }
  });
});

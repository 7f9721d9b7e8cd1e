import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { merkleLeafHash, merkleRoot, toHex, verifyConsistency } from '@safety-net/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeLogEntry } from '../../src/log/entry.js';
import { SqliteLogStore } from '../../src/sqlite.js';
import { openCheckpoint, sampleEntry, testLog } from '../support/log-fixture.js';
import { toVersion3 } from '../support/sqlite-version-3.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const script = fileURLToPath(new URL('./appender-process.ts', import.meta.url));
const migrator = fileURLToPath(new URL('./migrate-process.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'au-log-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the appender (with the store's `mergeEvery`, if given) until it has acknowledged `batches` batches, then
 * SIGKILLs it; resolves with what it acked.
 */
function appendThenKill(file: string, tag: string, batches: number, mergeEvery?: number) {
  return new Promise<{ acked: number[][]; signal: NodeJS.Signals | null }>((resolve) => {
    const args = [script, file, tag, ...(mergeEvery ? [String(mergeEvery)] : [])];
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...args], { cwd: repoRoot });
    const acked: number[][] = [];
    let buffered = '';
    child.stdout.on('data', (d) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        acked.push((JSON.parse(line) as { indices: number[] }).indices);
        // Killed while it is sequencing the next batch: the kill lands mid-batch, between two acknowledgements.
        if (acked.length === batches) child.kill('SIGKILL');
      }
    });
    child.on('exit', (_code, signal) => resolve({ acked, signal }));
  });
}

describe('SQLite appender killed mid-batch (SIGKILL) and restarted', () => {
  it('keeps every acknowledged entry, and the tree matches its last checkpoint', async () => {
    const file = join(dir, 'log.db');
    const first = await appendThenKill(file, 'first', 6);
    expect(first.signal).toBe('SIGKILL');
    expect(first.acked.length).toBeGreaterThanOrEqual(6);

    const store = new SqliteLogStore(file);
    const log = testLog(store);
    const state = (await store.state())!;
    const ackedCount = first.acked.flat().length;
    expect(state.size).toBeGreaterThanOrEqual(ackedCount);
    // Whole batches only: a batch is committed with its checkpoint or not at all.
    expect(state.size % 64).toBe(0);
    for (const [b, indices] of first.acked.entries()) {
      indices.forEach((index, i) => {
        expect(index).toBe(b * 64 + i);
      });
      const leaf = encodeLogEntry(sampleEntry(b * 64, 'first'));
      expect(await store.indexOf(merkleLeafHash(leaf))).toBe(indices[0]);
    }
    // The checkpoint is the root of exactly the stored leaves.
    const leaves = await store.entries(0, state.size);
    const head = await openCheckpoint(state.checkpoint);
    expect(head.size).toBe(state.size);
    expect(toHex(head.rootHash)).toBe(toHex(merkleRoot(leaves)));
    expect(toHex(await log.rootAt(state.size))).toBe(toHex(head.rootHash));
    await store.close();

    // Restarted, the appender extends the same tree: the old checkpoint is a prefix of the new one.
    const second = await appendThenKill(file, 'second', 2);
    expect(second.acked[0]![0]).toBe(state.size);
    const reopened = new SqliteLogStore(file);
    const after = await openCheckpoint((await reopened.state())!.checkpoint);
    const proof = await testLog(reopened).consistencyProof(head.size, after.size);
    expect(
      verifyConsistency({ size1: head.size, size2: after.size, root1: head.rootHash, root2: after.rootHash, proof }),
    ).toBe(true);
    await reopened.close();
  }, 60_000);
});

describe('SQLite appender killed (SIGKILL) while a merge of dedupe runs is under way', () => {
  it('resumes the merge where its last slice committed: every entry found once, no run item lost or doubled', async () => {
    const file = join(dir, 'merging.db');
    // Runs of 512 entries, so the carry of the fourth (at 2,048 entries, the 32nd batch) is a merge of 2,048 items
    // written in slices of about a quarter of the tree over the next batches: killed after 33 acknowledgements, the
    // appender has committed a slice or two of it, and another is in flight.
    const first = await appendThenKill(file, 'first', 33, 512);
    expect(first.signal).toBe('SIGKILL');
    const state = () => {
      const db = new Database(file, { readonly: true });
      try {
        const row = db.prepare('SELECT indexed, merge_run AS run FROM au_log_dedupe_state').get() as {
          indexed: number;
          run: number | null;
        };
        const registered = db.prepare('SELECT coalesce(sum(next - first), 0) FROM au_log_dedupe_run').pluck().get();
        // Items of registered runs, and of runs neither registered nor under way (there must be none).
        const items = (where: string) =>
          db.prepare(`SELECT coalesce(sum(length(items)), 0) / 16 FROM au_log_dedupe_block WHERE ${where}`).pluck();
        const inRuns = items('run IN (SELECT run FROM au_log_dedupe_run)').get();
        const stray = items('run NOT IN (SELECT run FROM au_log_dedupe_run) AND run IS NOT ?').get(row.run);
        const merged = items('run = ?').get(row.run) as number;
        return { ...row, registered, inRuns, stray, merged };
      } finally {
        db.close();
      }
    };
    const killed = state();
    expect(killed.run).not.toBeNull();
    // Slices of the merge are committed, and it is not complete.
    expect(killed.merged).toBeGreaterThan(0);
    expect(killed.merged).toBeLessThan(2048);
    expect(killed).toMatchObject({ indexed: 2048, registered: 2048, inRuns: 2048, stray: 0 });

    // Restarted, the appender finishes the merge from its committed slices and goes on.
    const second = await appendThenKill(file, 'second', 12, 512);
    expect(second.signal).toBe('SIGKILL');
    const after = state();
    expect(after.indexed).toBeGreaterThanOrEqual(2560);
    expect(after).toMatchObject({ registered: after.indexed, inRuns: after.indexed, stray: 0 });
    const store = new SqliteLogStore(file, { mergeEvery: 512 });
    const runs = new Database(file, { readonly: true });
    expect(runs.prepare('SELECT next - first FROM au_log_dedupe_run ORDER BY first').pluck().all()[0]).toBe(2048);
    runs.close();
    for (const [tag, acked] of [
      ['first', first.acked],
      ['second', second.acked],
    ] as const) {
      for (const [b, indices] of acked.entries()) {
        for (const i of [0, 63]) {
          expect(await store.indexOf(merkleLeafHash(encodeLogEntry(sampleEntry(b * 64 + i, tag))))).toBe(indices[i]);
        }
      }
    }
    await store.close();
  }, 60_000);
});

/** Starts the migrating opener on `file`; SIGKILLs it `killAfterMs` after it says it is opening (never, if undefined). */
function openThenKill(file: string, killAfterMs?: number) {
  return new Promise<{ openedMs?: number; signal: NodeJS.Signals | null }>((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', migrator, file], {
      cwd: repoRoot,
    });
    let openedMs: number | undefined;
    let armed = false;
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      // One timer, armed when the child says it is opening (a later chunk of output must not arm another).
      if (killAfterMs !== undefined && !armed && out.startsWith('opening\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
      const opened = /opened (\d+)/.exec(out);
      if (opened) openedMs = Number(opened[1]);
    });
    child.on('exit', (_code, signal) => resolve({ openedMs, signal }));
  });
}

/** The log's tables, views and indexes with their SQL, read by a handle of its own. */
const tables = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
  } finally {
    db.close();
  }
};

describe('SQLite log killed (SIGKILL) while it migrates a file of version 3', () => {
  it('leaves the file as it was or wholly migrated; reopened, it has the same tree, entries and lookups', async () => {
    // Enough entries that the migration takes about a second, so that kills land inside it.
    const n = 120_000;
    const source = join(dir, 'v3.db');
    const built = new SqliteLogStore(source);
    const log = testLog(built, 4096);
    for (let at = 0; at < n; at += 4096) {
      await log.append(Array.from({ length: Math.min(4096, n - at) }, (_, i) => sampleEntry(at + i, 'v3')));
    }
    const head = await log.treeHead();
    const proof = await log.inclusionProof(77_777);
    await built.close();
    toVersion3(source);
    const original = tables(source);

    // A migration run to its end, in a process of its own: how long it takes, and the tables it leaves.
    const whole = join(dir, 'whole.db');
    copyFileSync(source, whole);
    const { openedMs } = await openThenKill(whole);
    expect(openedMs).toBeGreaterThan(0);
    const migrated = tables(whole);

    let interrupted = 0;
    for (const fraction of [0.1, 0.4, 0.7]) {
      const file = join(dir, `killed-${fraction}.db`);
      copyFileSync(source, file);
      const run = await openThenKill(file, Math.round(openedMs! * fraction));
      expect(run.signal).toBe('SIGKILL');
      if (run.openedMs === undefined) interrupted++;
      // Before any store touches it: the layout of version 3 or that of the finished migration, nothing between.
      expect([original, migrated]).toContainEqual(tables(file));
      const store = new SqliteLogStore(file);
      const reopened = testLog(store, 4096);
      expect(await reopened.treeHead()).toEqual(head);
      expect(await reopened.inclusionProof(77_777)).toEqual(proof);
      for (const i of [0, 4095, 65_536, 119_999]) {
        const entry = encodeLogEntry(sampleEntry(i, 'v3'));
        expect(await reopened.entry(i)).toEqual(entry);
        expect(await store.indexOf(merkleLeafHash(entry))).toBe(i);
      }
      const again = await reopened.append([sampleEntry(9, 'v3'), sampleEntry(n, 'v3')]);
      expect(again.map((s) => [s.index, s.added])).toEqual([
        [9, false],
        [n, true],
      ]);
      await store.close();
      expect(tables(file)).toEqual(migrated);
    }
    // At least one kill landed before the migration committed (the others may have landed after it).
    expect(interrupted).toBeGreaterThan(0);
  }, 120_000);
});

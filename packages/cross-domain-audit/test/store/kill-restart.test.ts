import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { merkleLeafHash, merkleRoot, toHex, verifyConsistency } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeLogEntry } from '../../src/log/entry.js';
import { SqliteLogStore } from '../../src/sqlite.js';
import { openCheckpoint, sampleEntry, testLog } from '../support/log-fixture.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const script = fileURLToPath(new URL('./appender-process.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'au-log-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the appender until it has acknowledged `batches` batches, then SIGKILLs it; resolves with what it acked. */
function appendThenKill(file: string, tag: string, batches: number) {
  return new Promise<{ acked: number[][]; signal: NodeJS.Signals | null }>((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, file, tag], {
      cwd: repoRoot,
    });
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

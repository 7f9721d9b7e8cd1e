import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, generateKey, keyToJwk, publicKeyOf, seededRandom, utf8 } from '@safety-net/core';
import { ReceiptIssuer } from '@safety-net/cross-domain-audit';
import { SAMPLE_NOW } from '@safety-net/cross-domain-audit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './helpers.js';
import { witnessedLog } from './witnessed-log.js';

// The real command on a receipt, entry and checkpoint a log really produced.
const dir = mkdtempSync(join(tmpdir(), 'safety-net-cli-receipt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const command = (...args: string[]) => spawnCli(dir, ...args);

const { origin, policy, sign, logOf } = witnessedLog('cli-receipt');
const receiptKey = generateKey('P-256', seededRandom('cli-receipt/receipts'));
const otherKey = generateKey('P-256', seededRandom('cli-receipt/other'));
const now = String(SAMPLE_NOW);
const base = ['audit', 'verify-receipt', '--key', 'receipt-key.json', '--policy', 'policy.json', '--now', now];

describe('safety-net audit verify-receipt (spawned)', () => {
  beforeAll(async () => {
    const log = await logOf(5);
    const head = await log.treeHead();
    const issuer = new ReceiptIssuer({ origin, key: receiptKey, clock: fixedClock(SAMPLE_NOW * 1000) });
    const receipt = issuer.issue({
      index: 2,
      size: head.size,
      path: await log.inclusionProof(2),
      rootHash: head.rootHash,
    });
    writeFileSync(join(dir, 'receipt.cose'), receipt);
    writeFileSync(join(dir, 'entry-2.bin'), await log.entry(2));
    writeFileSync(join(dir, 'entry-3.bin'), await log.entry(3));
    writeFileSync(join(dir, 'checkpoint.txt'), (await log.checkpoint())!);
    writeFileSync(join(dir, 'unwitnessed.txt'), await sign(head));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    writeFileSync(join(dir, 'receipt-key.json'), JSON.stringify(keyToJwk(publicKeyOf(receiptKey))));
    writeFileSync(join(dir, 'other-key.json'), JSON.stringify(keyToJwk(publicKeyOf(otherKey))));
    writeFileSync(join(dir, 'garbage.cose'), utf8('not a receipt'));
    // A checkpoint of a smaller tree, witnessed: the receipt's root is not of its size.
    const small = await logOf(3);
    writeFileSync(join(dir, 'small.txt'), (await small.checkpoint())!);
  });

  it('verifies the receipt of an entry against a witnessed checkpoint', () => {
    const r = command(...base, '--entry', 'entry-2.bin', '--checkpoint', 'checkpoint.txt', 'receipt.cose');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`verified: entry 2 (tombstone) in a tree of 5 of ${origin} at ${SAMPLE_NOW}`);
    // One trusted checkpoint among others is enough.
    const two = command(
      ...base,
      '--entry',
      'entry-2.bin',
      '--checkpoint',
      'small.txt',
      '--checkpoint',
      'checkpoint.txt',
      'receipt.cose',
    );
    expect(two.status).toBe(0);
  });

  it('refuses another entry, another key, a checkpoint of another size, garbage (exit 1, code)', () => {
    const cases: [string[], string][] = [
      [['--entry', 'entry-3.bin', '--checkpoint', 'checkpoint.txt', 'receipt.cose'], 'ERR_AU_RECEIPT_INVALID'],
      [['--entry', 'entry-2.bin', '--checkpoint', 'small.txt', 'receipt.cose'], 'ERR_AU_RECEIPT_INVALID'],
      [['--entry', 'entry-2.bin', '--checkpoint', 'checkpoint.txt', 'garbage.cose'], 'ERR_AU_RECEIPT_INVALID'],
      [['--entry', 'garbage.cose', '--checkpoint', 'checkpoint.txt', 'receipt.cose'], 'ERR_AU_ENTRY_INVALID'],
    ];
    for (const [args, code] of cases) {
      const r = command(...base, ...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^${code}: `));
    }
    const wrongKey = command(
      ...base.map((a) => (a === 'receipt-key.json' ? 'other-key.json' : a)),
      '--entry',
      'entry-2.bin',
      '--checkpoint',
      'checkpoint.txt',
      'receipt.cose',
    );
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toMatch(/^ERR_AU_RECEIPT_INVALID: .*signature: ERR_COSE_BAD_SIGNATURE/);
  });

  it('refuses a checkpoint that does not meet the witness policy', () => {
    const bare = command(...base, '--entry', 'entry-2.bin', '--checkpoint', 'unwitnessed.txt', 'receipt.cose');
    expect(bare.status).toBe(1);
    expect(bare.stderr).toMatch(/^ERR_AU_COSIGNATURE_QUORUM: /);
    const late = command(
      ...base.map((a) => (a === now ? String(SAMPLE_NOW + 90_000) : a)),
      '--entry',
      'entry-2.bin',
      '--checkpoint',
      'checkpoint.txt',
      'receipt.cose',
    );
    expect(late.status).toBe(1);
    expect(late.stderr).toMatch(/^ERR_AU_COSIGNATURE_QUORUM: /);
  });

  it('is a usage error without --entry, --checkpoint or --policy, or with an unreadable file (exit 2)', () => {
    const ok = ['--entry', 'entry-2.bin', '--checkpoint', 'checkpoint.txt'];
    expect(command('audit', 'verify-receipt', '--key', 'receipt-key.json', ...ok, 'receipt.cose').status).toBe(2);
    expect(command(...base, '--checkpoint', 'checkpoint.txt', 'receipt.cose').status).toBe(2);
    expect(command(...base, '--entry', 'entry-2.bin', 'receipt.cose').status).toBe(2);
    expect(command(...base, ...ok, 'missing.cose').status).toBe(2);
    expect(command(...base, ...ok).status).toBe(2);
  });
});

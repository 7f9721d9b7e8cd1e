import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, generateKey, seededRandom, utf8 } from '@safety-net/core';
import {
  buildProofBundle,
  encodeProofBundle,
  formatVerifierKey,
  noteVerifierOf,
  verifyCosigned,
  witnessSigner,
} from '@safety-net/cross-domain-audit';
import { SAMPLE_NOW } from '@safety-net/cross-domain-audit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './helpers.js';
import { witnessedLog } from './witnessed-log.js';

// The real command, started through tsx on the sources, on files a log really wrote.
const dir = mkdtempSync(join(tmpdir(), 'safety-net-cli-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const command = (...args: string[]) => spawnCli(dir, ...args);

const { policy, logOf } = witnessedLog('cli-bundle');
const now = String(SAMPLE_NOW);

describe('safety-net audit verify-bundle (spawned)', () => {
  beforeAll(async () => {
    const log = await logOf(5);
    const openCheckpoint = async (text: string) =>
      verifyCosigned(text, policy, { clock: fixedClock(SAMPLE_NOW * 1000) });
    const bundle = await buildProofBundle(log, { indices: [1, 3], policy, openCheckpoint });
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    writeFileSync(join(dir, 'ok.snbundle'), encodeProofBundle(bundle));
    // Another entry put in place of entry 1: its proof no longer proves it.
    const swapped = { ...bundle, items: [{ ...bundle.items[0]!, entry: bundle.items[1]!.entry }, bundle.items[1]!] };
    writeFileSync(join(dir, 'tampered.snbundle'), encodeProofBundle(swapped));
    writeFileSync(join(dir, 'garbage.snbundle'), utf8('not a bundle'));
    const strict = {
      ...policy,
      quorum: 1,
      witnesses: [
        {
          name: 'other.example',
          key: formatVerifierKey(
            noteVerifierOf(witnessSigner('other.example', generateKey('Ed25519', seededRandom('cli-bundle/other')))),
          ),
        },
      ],
    };
    writeFileSync(join(dir, 'other-policy.json'), JSON.stringify(strict));
  });

  it('verifies a bundle under the policy and lists its entries', () => {
    const r = command('audit', 'verify-bundle', '--policy', 'policy.json', '--now', now, 'ok.snbundle');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'verified: entry 1 (tombstone) in a tree of 5',
      'verified: entry 3 (tombstone) in a tree of 5',
    ]);
  });

  it('refuses a tampered bundle, garbage and a checkpoint its own policy does not accept (exit 1, code)', () => {
    const tampered = command('audit', 'verify-bundle', '--policy', 'policy.json', '--now', now, 'tampered.snbundle');
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toMatch(/^ERR_AU_PROOF_INVALID: /);
    const garbage = command('audit', 'verify-bundle', '--policy', 'policy.json', '--now', now, 'garbage.snbundle');
    expect(garbage.status).toBe(1);
    expect(garbage.stderr).toMatch(/^ERR_AU_BUNDLE_INVALID: /);
    const other = command('audit', 'verify-bundle', '--policy', 'other-policy.json', '--now', now, 'ok.snbundle');
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/^ERR_AU_COSIGNATURE_QUORUM: /);
    // A day and more later, the cosignature is no longer fresh.
    const late = command(
      'audit',
      'verify-bundle',
      '--policy',
      'policy.json',
      '--now',
      String(SAMPLE_NOW + 90_000),
      'ok.snbundle',
    );
    expect(late.status).toBe(1);
    expect(late.stderr).toMatch(/^ERR_AU_COSIGNATURE_QUORUM: /);
  });

  it('is a usage error without --policy or with an unreadable file (exit 2)', () => {
    expect(command('audit', 'verify-bundle', 'ok.snbundle').status).toBe(2);
    expect(command('audit', 'verify-bundle', '--policy', 'missing.json', 'ok.snbundle').status).toBe(2);
  });
});

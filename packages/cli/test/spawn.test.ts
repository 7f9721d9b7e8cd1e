import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { jwkFiles, spawnCliWithInput, testKey } from './helpers.js';

// The real command, end to end: a process started through tsx on the sources, as `pnpm vectors` runs it.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'safety-net-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function command(...args: string[]) {
  return commandWithInput(undefined, ...args);
}

function commandWithInput(input: string | undefined, ...args: string[]) {
  return spawnCliWithInput(dir, input, ...args);
}

describe('the safety-net process', () => {
  it('exits 1 with one ERR_ line and no stack trace on a bad message', () => {
    writeFileSync(join(dir, 'k.json'), jwkFiles(testKey('Ed25519')).public);
    writeFileSync(join(dir, 'garbage.bin'), Uint8Array.of(0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x41));
    const r = command('verify', '--key', 'k.json', 'garbage.bin');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ERR_CBOR_TRUNCATED: [^\n]*\n$/);
  });

  it('verifies a note signed by golang.org/x/mod/sumdb/note (its published example), exit 0', () => {
    const text =
      "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const sig =
      '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
    writeFileSync(join(dir, 'go-note.txt'), `${text}\n${sig}`);
    const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    const r = command('audit', 'verify-note', '--key', vkey, 'go-note.txt');
    expect(r).toEqual({ status: 0, stdout: `${text}verified: PeterNeumann+c74f20a3\n`, stderr: '' });
    const piped = commandWithInput(`${text}\n${sig}`, 'audit', 'verify-note', '--key', vkey, '-');
    expect(piped).toEqual(r);
    const flood = commandWithInput('a'.repeat(1_048_577), 'audit', 'verify-note', '--key', vkey, '-');
    expect(flood.status).toBe(1);
    expect(flood.stderr).toMatch(/^ERR_INPUT_TOO_LARGE: [^\n]*- is over 1048576 bytes\n$/);
    const tampered = command('audit', 'verify-note', '--key', vkey.replace('ARpc', 'ARpd'), 'go-note.txt');
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toMatch(/^ERR_[A-Z_]+: [^\n]*\n$/);
  });

  it('answers --help with the usage and --version with the package version, exit 0', () => {
    const help = command('--help');
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: safety-net <command>/);
    const { version } = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8'));
    expect(command('--version')).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('exits 2 with the usage on a usage error, and 0 with the JWK on keygen', () => {
    const usage = command('verify', '--key', 'absent.json', 'garbage.bin');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('safety-net: cannot read absent.json');
    expect(usage.stderr).toContain('Usage: safety-net');
    expect(usage.stderr).not.toMatch(/\n\s+at /);
    const keygen = command('keygen', '--alg', 'ES256');
    expect(keygen.status).toBe(0);
    expect(JSON.parse(keygen.stdout)).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
  });
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type EctClaims,
  ectHash,
  fixedClock,
  generateKey,
  keyToJwk,
  type PrivateKey,
  publicKeyOf,
  seededRandom,
  utf8,
} from '@safety-net/core';
import { expect } from 'vitest';
import { NOW } from '../../../test-support/time.js';
import { main, memoryIo } from '../src/index.js';

export { NOW } from '../../../test-support/time.js';

/** What a run of the command did. */
export interface Run {
  status: number;
  out: string[];
  err: string[];
}

/** Runs the command in-process over in-memory files, with the clock at NOW and a seeded random source. */
export async function run(argv: string[], files: Record<string, string | Uint8Array> = {}): Promise<Run> {
  const io = memoryIo(files, { clock: fixedClock(NOW * 1000), random: seededRandom('cli-tests') });
  const status = await main(argv, io);
  return { status, out: io.out, err: io.err };
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the real command in a process started through tsx on the sources, in `cwd`. */
export function spawnCli(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnCliWithInput(cwd, undefined, ...args);
}

/** {@link spawnCli} with `input` on the command's standard input. */
export function spawnCliWithInput(
  cwd: string,
  input: string | undefined,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/tsx/dist/cli.mjs'),
      '--conditions=source',
      join(root, 'packages/cli/src/bin.ts'),
      ...args,
    ],
    { cwd, encoding: 'utf8', timeout: 60_000, input },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A deterministic key with a kid. */
export function testKey(curve: 'Ed25519' | 'Ed448' | 'P-256' | 'P-384' | 'P-521', name: string = curve): PrivateKey {
  return { ...generateKey(curve, seededRandom(`cli-tests/${name}`)), kid: utf8(name) };
}

/** JWK file texts of a key: private and public. */
export function jwkFiles(key: PrivateKey): { private: string; public: string } {
  return {
    private: JSON.stringify(keyToJwk(key, { includePrivate: true })),
    public: JSON.stringify(keyToJwk(publicKeyOf(key))),
  };
}

export function ectClaims(overrides: Partial<EctClaims> = {}): EctClaims {
  return {
    iss: 'spiffe://example.org/agent/a',
    aud: 'spiffe://example.org/agent/b',
    iat: NOW,
    exp: NOW + 300,
    jti: '6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b',
    wid: 'wf-cli',
    exec_act: 'report.build',
    pred: [],
    inp_hash: ectHash('input'),
    ...overrides,
  };
}

/**
 * The shape of every failure: exactly one stderr line `<ERR_CODE>: message` (never ERR_INTERNAL, never a stack),
 * exit 1, nothing on stdout.
 */
export function expectFailure(r: Run, code?: string): void {
  expect(r.status, r.err.join('\n')).toBe(1);
  expect(r.out).toEqual([]);
  expect(r.err).toHaveLength(1);
  expect(r.err[0]).toMatch(/^ERR_[A-Z0-9_]+: [^\n]*$/);
  expect(r.err[0]).not.toMatch(/^ERR_INTERNAL/);
  if (code) expect(r.err[0]!.split(':')[0]).toBe(code);
}

/** A usage error: exit 2, the reason and the usage text on stderr. */
export function expectUsage(r: Run): void {
  expect(r.status).toBe(2);
  expect(r.err[0]).toMatch(/^safety-net: /);
  expect(r.err.join('\n')).toContain('Usage: safety-net');
}

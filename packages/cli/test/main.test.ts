import { readFileSync } from 'node:fs';
import { defineMessageType, MessageTypeRegistry } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { main, memoryIo, USAGE } from '../src/index.js';
import { expectUsage, jwkFiles, run, testKey } from './helpers.js';

describe('safety-net (dispatch)', () => {
  it('prints the usage for --help and help (exit 0)', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['verify', '--help']]) {
      expect(await run(argv)).toMatchObject({ status: 0, out: [USAGE], err: [] });
    }
  });

  it('prints the package version for --version (exit 0)', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await run(['--version'])).toMatchObject({ status: 0, out: [version], err: [] });
  });

  it('refuses no command or an unknown one (exit 2)', async () => {
    expectUsage(await run([]));
    expectUsage(await run(['frobnicate']));
    expectUsage(await run(['toString']));
  });

  it('turns a defect into ERR_INTERNAL on one line, exit 1, without a stack trace', async () => {
    // A message type whose schema crashes: the command must still answer in its own format.
    const broken = defineMessageType<{ a: string }>({
      name: 'broken',
      description: 'crashes while parsing',
      typ: 'application/broken',
      schema: z.object({ a: z.string() }).transform((): { a: string } => {
        throw new TypeError('schema crashed\n    at somewhere (file.ts:1:1)');
      }) as unknown as z.ZodType<{ a: string }>,
      labels: { a: 'a' },
    });
    const io = memoryIo({ 'k.json': jwkFiles(testKey('Ed25519')).private, 'c.json': '{"a":"x"}' });
    const status = await main(['sign', '--type', 'broken', '--key', 'k.json', 'c.json'], io, {
      registry: new MessageTypeRegistry([broken]),
    });
    expect(status).toBe(1);
    expect(io.err).toEqual(['ERR_INTERNAL: TypeError: schema crashed\\u000a    at somewhere (file.ts:1:1)']);
  });

  it('escapes control characters that untrusted input puts into a message', async () => {
    const r = await run(['verify', '--key', 'k\u001b[31m.json', 'm'], {});
    expect(r.status).toBe(2);
    expect(r.err[0]).toBe('safety-net: cannot read k\\u001b[31m.json');
  });
});

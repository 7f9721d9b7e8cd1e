import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { publishedVectorDir } from '@safety-net/conformance';
import { describe, expect, it } from 'vitest';
import { expectUsage, run } from './helpers.js';

const vector = (id: string) =>
  readFileSync(fileURLToPath(new URL(`../../../spec-vectors/core/${id}.json`, import.meta.url)), 'utf8');

describe('safety-net vectors', () => {
  it('runs a directory of vectors and ends with the counts', async () => {
    const r = await run(['vectors', 'sv'], {
      'sv/core/cbor-duplicate-key.json': vector('cbor-duplicate-key'),
      'sv/core/verify1-valid-eddsa.json': vector('verify1-valid-eddsa'),
    });
    expect(r).toMatchObject({ status: 0, out: ['2 passed, 0 failed'] });
  });

  it('prints one line per failing backend and exits 1', async () => {
    const wrong = vector('cbor-duplicate-key').replace('ERR_CBOR_DUPLICATE_KEY', 'ERR_CBOR_TRUNCATED');
    const r = await run(['vectors', 'sv'], {
      'sv/core/cbor-duplicate-key.json': wrong,
      'sv/core/broken.json': '{',
    });
    expect(r.status).toBe(1);
    expect(r.out).toHaveLength(4);
    expect(r.out[0]).toBe('FAIL core/broken.json [-]: not JSON');
    expect(r.out[1]).toMatch(
      /^FAIL core\/cbor-duplicate-key\.json \[noble\]: expected ERR_CBOR_TRUNCATED, got ERR_CBOR_DUPLICATE_KEY/,
    );
    expect(r.out[2]).toMatch(
      /^FAIL core\/cbor-duplicate-key\.json \[node\]: expected ERR_CBOR_TRUNCATED, got ERR_CBOR_DUPLICATE_KEY/,
    );
    expect(r.out[3]).toBe('0 passed, 2 failed');
  });

  it('runs the vectors published with @safety-net/conformance when no directory is given', async () => {
    const published = { [`${publishedVectorDir()}/core/cbor-duplicate-key.json`]: vector('cbor-duplicate-key') };
    expect(await run(['vectors'], published)).toMatchObject({ status: 0, out: ['1 passed, 0 failed'] });
    // A spec-vectors directory where the command runs is not what it runs without an argument.
    expectUsage(await run(['vectors'], { 'spec-vectors/core/cbor-duplicate-key.json': vector('cbor-duplicate-key') }));
    expectUsage(await run(['vectors', 'nowhere'], {}));
  });
});

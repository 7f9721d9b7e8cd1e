import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeIo } from '@safety-net/cli';
import { availableBackends, runVector, runVectorDir } from '@safety-net/conformance';
import { generateVectorFiles } from '@safety-net/conformance/generate';
import { describe, expect, it } from 'vitest';

// The runner passes every checked-in vector under both backends, and it can fail: each vector, altered in what it
// expects or in its input, is reported as failed.

const dir = fileURLToPath(new URL('../spec-vectors', import.meta.url));
// biome-ignore lint/suspicious/noExplicitAny: vectors are free-form JSON here, altered field by field.
type Json = Record<string, any>;
const vectors = generateVectorFiles().map((f) => ({ path: f.path, json: JSON.parse(f.text) as Json }));

/** A different error code, so that an `invalid` vector now expects the wrong one. */
const otherCode = (code: string) => (code === 'ERR_INPUT_INVALID' ? 'ERR_COSE_MALFORMED' : 'ERR_INPUT_INVALID');

/** Flips the last hex digit of a hex string. */
const flipHex = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');

/** The vector altered so that it must fail: a wrong code, or a wrong output. */
function mutated(v: Json): Json {
  const copy = structuredClone(v);
  const e = copy.expected;
  if (e.result === 'invalid') {
    e.error = otherCode(e.error);
  } else if (typeof e.cose_hex === 'string') {
    e.cose_hex = flipHex(e.cose_hex);
  } else if (typeof e.encoded_hex === 'string') {
    e.encoded_hex = flipHex(e.encoded_hex);
  } else if (Array.isArray(e.order)) {
    e.order = [...e.order, 'task-never-inserted'];
  } else if (Array.isArray(e.nodes)) {
    e.nodes = [...e.nodes].reverse().concat('task-never-reached');
  } else if (Array.isArray(e.tokens)) {
    e.tokens = [...e.tokens, { format: 'cose', cose_hex: '00' }];
  } else if (typeof e.cose_key_thumbprint_hex === 'string') {
    e.cose_key_thumbprint_hex = flipHex(e.cose_key_thumbprint_hex);
  } else if (typeof e.payload_hex === 'string') {
    e.payload_hex = flipHex(e.payload_hex);
  } else {
    e.claims = { ...e.claims, exec_act: 'altered' };
  }
  return copy;
}

describe('the vector runner', () => {
  it('passes every checked-in vector under both backends', async () => {
    expect(availableBackends().map((b) => b.name)).toEqual(['noble', 'node']);
    const report = await runVectorDir(dir, nodeIo());
    const failures = report.results.flatMap((r) => r.failures.map((f) => `${r.source} [${f.backend}]: ${f.reason}`));
    expect(failures).toEqual([]);
    expect(report.passed).toBe(vectors.length);
    expect(report.failed).toBe(0);
  });

  it('fails every vector that was altered', async () => {
    for (const { path, json } of vectors) {
      const result = await runVector(mutated(json), path);
      expect(result.passed, `${path} still passes after alteration`).toBe(false);
      expect(result.failures.map((f) => f.backend)).toEqual(['noble', 'node']);
    }
  });

  it('fails an ECDSA sign vector whose example signature does not verify, though only the signature differs', async () => {
    const { path, json } = vectors.find((v) => v.json.id === 'sign1-es256')!;
    const result = await runVector(mutated(json), path);
    expect(result.failures[0]!.reason).toMatch(/cose_hex does not verify/);
  });

  it('fails a valid verification vector whose message was altered', async () => {
    const { path, json } = vectors.find((v) => v.json.id === 'ect-cose-valid-eddsa')!;
    const altered = structuredClone(json);
    altered.input.cose_hex = flipHex(altered.input.cose_hex);
    const result = await runVector(altered, path);
    expect(result.failures[0]!.reason).toMatch(/expected success, got ERR_COSE_BAD_SIGNATURE/);
  });

  it('fails malformed vectors: unknown fields, unknown kinds, wrong id for the path, unknown keys', async () => {
    const base = vectors.find((v) => v.json.id === 'verify1-valid-eddsa')!;
    const cases: [Json, RegExp][] = [
      [{ ...base.json, extra: 1 }, /malformed vector/],
      [{ ...base.json, options: { ...base.json.options, keyset: [] } }, /malformed cose-sign1-verify vector/],
      [{ ...base.json, expected: { ...base.json.expected, payload: '00' } }, /malformed/],
      [{ ...base.json, kind: 'cose-mac0-verify' }, /not implemented/],
      [{ ...base.json, id: 'another-id' }, /must match the path/],
      [{ ...base.json, options: { key: 'nobody' } }, /no key named nobody/],
      [{ ...base.json, input: { cose_hex: 'D2' } }, /malformed/],
    ];
    for (const [json, reason] of cases) {
      const result = await runVector(json, base.path);
      expect(result.passed).toBe(false);
      expect(result.failures[0]!.reason).toMatch(reason);
    }
  });

  it('reports the same file text the generator wrote', () => {
    const one = vectors[0]!;
    expect(JSON.parse(readFileSync(`${dir}/${one.path}`, 'utf8'))).toEqual(one.json);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateVectorFiles } from '@safety-net/conformance/generate';
import { describe, expect, it } from 'vitest';

// The checked-in vectors are exactly what the generator produces from fixed keys and times: regenerated in memory
// and compared byte for byte, with no file missing or left over.

const root = fileURLToPath(new URL('../spec-vectors/', import.meta.url));
const files = generateVectorFiles();
const packages = [...new Set(files.map((f) => f.path.split('/')[0]!))];

/** Error codes the core vectors must exercise: one per failure class the specification names. */
const REQUIRED_CODES = [
  'ERR_CBOR_DUPLICATE_KEY',
  'ERR_CBOR_INDEFINITE_LENGTH',
  'ERR_CBOR_NON_SHORTEST',
  'ERR_CBOR_TRAILING_BYTES',
  'ERR_CBOR_INVALID_UTF8',
  'ERR_CBOR_TOO_DEEP',
  'ERR_CBOR_TRUNCATED',
  'ERR_COSE_BAD_SIGNATURE',
  'ERR_COSE_WRONG_TAG',
  'ERR_COSE_ALG_MISSING',
  'ERR_COSE_ALG_UNSUPPORTED',
  'ERR_COSE_ALG_NOT_PROTECTED',
  'ERR_COSE_TYP_MISSING',
  'ERR_COSE_TYP_MISMATCH',
  'ERR_COSE_CRIT_UNSUPPORTED',
  'ERR_KEY_ALG_MISMATCH',
  'ERR_KEY_NOT_FOUND',
  'ERR_CLAIMS_EXPIRED',
  'ERR_CLAIMS_NOT_YET_VALID',
  'ERR_CLAIMS_IAT_FUTURE',
  'ERR_CLAIMS_IAT_TOO_OLD',
  'ERR_CLAIMS_AUDIENCE',
  'ERR_CLAIMS_REPLAY',
  'ERR_CLAIMS_INVALID',
  'ERR_ECT_DUPLICATE_JTI',
  'ERR_ECT_TOO_MANY_PREDECESSORS',
  'ERR_ECT_PREDECESSOR_MISSING',
  'ERR_ECT_TEMPORAL_ORDER',
  'ERR_ECT_WORKFLOW_MISMATCH',
  'ERR_ECT_PREDECESSOR_POLICY',
  'ERR_ECT_CYCLE',
  'ERR_JOSE_TYP_MISMATCH',
  'ERR_JOSE_ALG_UNSUPPORTED',
  'ERR_KEY_INVALID',
  'ERR_KEY_UNSUPPORTED',
  'ERR_ECT_HEADER_INVALID',
  'ERR_ECT_TRAVERSAL_LIMIT',
  'ERR_ECT_NODE_NOT_FOUND',
];

describe('spec-vectors reproduce from the generator', () => {
  it('every generated file is checked in with exactly the generated text', () => {
    for (const f of files) {
      const path = join(root, f.path);
      expect(existsSync(path), `${f.path} is missing: run pnpm vectors:generate`).toBe(true);
      expect(readFileSync(path, 'utf8'), `${f.path} differs from the generator: run pnpm vectors:generate`).toBe(
        f.text,
      );
    }
  });

  it('no checked-in vector file is left over', () => {
    const generated = new Set(files.map((f) => f.path));
    for (const pkg of packages) {
      for (const name of readdirSync(join(root, pkg)).filter((n) => n.endsWith('.json'))) {
        expect(generated.has(`${pkg}/${name}`), `${pkg}/${name} is not produced by the generator`).toBe(true);
      }
    }
  });

  it('core has at least 40 vectors, covering every kind and every required failure class', () => {
    const core = files.filter((f) => f.path.startsWith('core/')).map((f) => JSON.parse(f.text));
    expect(core.length).toBeGreaterThanOrEqual(40);
    const kinds = new Set(core.map((v) => v.kind));
    for (const kind of [
      'cbor-decode',
      'cose-sign1-sign',
      'cose-sign-sign',
      'cose-sign1-verify',
      'cose-sign-verify',
      'message-sign',
      'message-verify',
      'dag-insert',
      'dag-query',
      'key-import',
      'ect-header-parse',
    ]) {
      expect(kinds.has(kind), kind).toBe(true);
    }
    const codes = new Set(core.map((v) => v.expected.error).filter(Boolean));
    for (const code of REQUIRED_CODES) expect(codes.has(code), code).toBe(true);
    const algs = new Set(
      core
        .filter((v) => v.kind === 'cose-sign1-sign')
        .map((v) => JSON.parse(JSON.stringify(v.keys[v.options.signer])).crv),
    );
    expect([...algs].sort()).toEqual(['Ed25519', 'Ed448', 'P-256', 'P-384', 'P-521']);
  });

  it('files are two-space JSON with a final newline', () => {
    for (const f of files) expect(f.text).toBe(`${JSON.stringify(JSON.parse(f.text), null, 2)}\n`);
  });
});

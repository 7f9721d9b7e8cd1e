import { type CborValue, ECT_COSE_TYP, encodeCbor, Tagged, toBase64Url, toHex, utf8 } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectFailure, jwkFiles, type Run, run, testKey } from './helpers.js';

// Whatever the input, the command answers with an exit status and at most a one-line `<ERR_CODE>: …`: never a
// stack trace, never ERR_INTERNAL, never a hang.

const key = testKey('Ed25519');
const keys = { 'k.json': jwkFiles(key).public, 'p.json': jwkFiles(testKey('P-256')).public };

function expectHandled(r: Run): void {
  if (r.status === 0) return;
  if (r.status === 2) {
    expect(r.err[0]).toMatch(/^safety-net: /);
    return;
  }
  expectFailure(r);
}

const COMMANDS = [
  ['verify', '--key', 'k.json', 'm'],
  ['verify', '--key', 'p.json', '--type', 'ect', '--now', '1772323200', 'm'],
  ['inspect', 'm'],
];

/** Any CBOR value, shallow enough to encode. */
const cborValue: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer(),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc
      .array(fc.tuple(fc.oneof(fc.integer({ min: -40, max: 40 }), fc.string()), tie('v')), { maxLength: 4 })
      .map((e) => new Map(e)),
  ),
})).v;

/** Headers that look like COSE's: labels around the common ones, values of any type. */
const bucket = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(1, 2, 3, 4, 16, 99), fc.string({ maxLength: 3 })),
      fc.oneof(fc.constantFrom(-8, -7, -19, 0, -257, ECT_COSE_TYP), cborValue),
    ),
    { maxLength: 5 },
  )
  .map((e) => new Map<CborValue, CborValue>(e));

/** COSE_Sign1- and COSE_Sign-shaped messages with random content, tagged or not. */
const coseLike = fc
  .tuple(
    fc.oneof(
      bucket.map((b) => encodeCbor(b)),
      fc.uint8Array({ maxLength: 20 }),
    ),
    fc.oneof(bucket, cborValue),
    fc.oneof(
      fc.constant(null),
      fc.uint8Array({ maxLength: 60 }),
      cborValue.map((v) => encodeCbor(v)),
    ),
    fc.oneof(
      fc.uint8Array({ minLength: 60, maxLength: 70 }),
      fc.array(
        fc.tuple(
          bucket.map((b) => encodeCbor(b)),
          bucket,
          fc.uint8Array({ maxLength: 70 }),
        ),
        { maxLength: 3 },
      ),
    ),
    fc.constantFrom(18, 98, 17, null),
  )
  .map(([p, u, payload, sig, tag]) => {
    const body: CborValue[] = [p, u, payload, sig as CborValue];
    return encodeCbor(tag === null ? body : new Tagged(tag, body));
  });

const b64json = (v: unknown) => toBase64Url(utf8(JSON.stringify(v)));

/** Compact-JWS-shaped text with random headers and payloads. */
const jwsLike = fc
  .tuple(
    fc.record(
      {
        alg: fc.oneof(fc.constantFrom('EdDSA', 'ES256', 'none', 'HS256'), fc.anything()),
        typ: fc.oneof(fc.constantFrom('exec+jwt', 'JWT'), fc.anything()),
      },
      { requiredKeys: [] },
    ),
    fc.oneof(fc.anything(), fc.string()),
    fc.uint8Array({ maxLength: 80 }),
  )
  .map(([h, p, s]) => `${b64json(h)}.${b64json(p)}.${toBase64Url(s)}`);

describe('garbage in, a stable code out', () => {
  it('random bytes, as binary or hex', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        fc.constantFrom(...COMMANDS),
        async (bytes, asHex, argv) => {
          expectHandled(await run(argv, { ...keys, m: asHex ? toHex(bytes) : bytes }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('COSE-shaped messages with random headers, payloads and signatures', async () => {
    await fc.assert(
      fc.asyncProperty(coseLike, fc.constantFrom(...COMMANDS), async (bytes, argv) => {
        const r = await run(argv, { ...keys, m: bytes });
        expectHandled(r);
        if (argv[0] === 'verify') expect(r.status).toBe(1);
      }),
      { numRuns: 400 },
    );
  });

  it('JWS-shaped tokens with random headers', async () => {
    await fc.assert(
      fc.asyncProperty(jwsLike, fc.constantFrom(...COMMANDS), async (token, argv) => {
        const r = await run(argv, { ...keys, m: token });
        expectHandled(r);
        if (argv[0] === 'verify') expect(r.status).toBe(1);
      }),
      // A header member that is an object with a non-function toString (found by this property once).
      { numRuns: 300, examples: [['eyJhbGciOnsidG9TdHJpbmciOiIifX0.MA.', ['verify', '--key', 'k.json', 'm']]] },
    );
  });

  it('random key files', async () => {
    const jwkLike = fc.record(
      {
        kty: fc.oneof(fc.constantFrom('OKP', 'EC', 'RSA'), fc.anything()),
        crv: fc.oneof(fc.constantFrom('Ed25519', 'Ed448', 'P-256', 'X25519'), fc.anything()),
        x: fc.oneof(fc.uint8Array({ maxLength: 70 }).map(toBase64Url), fc.anything()),
        y: fc.oneof(fc.uint8Array({ maxLength: 70 }).map(toBase64Url), fc.anything()),
        d: fc.uint8Array({ maxLength: 70 }).map(toBase64Url),
        alg: fc.oneof(fc.constantFrom('EdDSA', 'ES256', 'none'), fc.anything()),
        kid: fc.anything(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          jwkLike.map((j) => JSON.stringify(j)),
          fc.string(),
        ),
        async (text) => {
          const r = await run(['verify', '--key', 'bad.json', 'm'], { 'bad.json': text, m: '00' });
          expectFailure(r);
          expect(r.err[0]).toMatch(/^ERR_(KEY_INVALID|KEY_UNSUPPORTED|CBOR_[A-Z_]+|INPUT_INVALID):/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random command lines', async () => {
    const word = fc.oneof(
      fc.constantFrom(
        'verify',
        'sign',
        'inspect',
        'keygen',
        'vectors',
        '--key',
        '--type',
        '--now',
        '--aad-hex',
        '--format',
        '--alg',
        '--kid',
        'ect',
        'jws',
        'EdDSA',
        'k.json',
        'm',
        '-h',
        '--',
      ),
      fc.string({ maxLength: 8 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 8 }), async (argv) => {
        const r = await run(argv, { ...keys, m: '00' });
        expect([0, 1, 2]).toContain(r.status);
        expect(r.err.join('\n')).not.toMatch(/ERR_INTERNAL|\n\s+at /);
      }),
      { numRuns: 300 },
    );
  });

  it('hand-picked hostile files', async () => {
    const cases: [string | Uint8Array, string][] = [
      ['', 'ERR_INPUT_INVALID'],
      [' \n\t', 'ERR_CBOR_TRAILING_BYTES'],
      ['abc', 'ERR_INPUT_INVALID'],
      ['ab'.repeat(2 * 1024 * 1024), 'ERR_INPUT_TOO_LARGE'],
      ['00'.repeat(1024 * 1024 + 1), 'ERR_CBOR_TOO_LARGE'],
      [`${'81'.repeat(100_000)}00`, 'ERR_CBOR_TOO_DEEP'],
      ['d2845bffffffffffffffff', 'ERR_CBOR_TRUNCATED'],
      [`${'a'.repeat(70_000)}.b.c`, 'ERR_INPUT_TOO_LARGE'],
      ['bm90IGpzb24.e30.AA', 'ERR_JOSE_MALFORMED'],
      [`${b64json({ alg: 'none' })}.${b64json({})}.`, 'ERR_JOSE_ALG_UNSUPPORTED'],
    ];
    for (const [m, code] of cases) {
      const r = await run(['verify', '--key', 'k.json', 'm'], { ...keys, m });
      expectFailure(r, code);
    }
  });

  it('hostile key files', async () => {
    const cases: [string, string][] = [
      ['', 'ERR_KEY_INVALID'],
      ['{', 'ERR_KEY_INVALID'],
      [`${'['.repeat(30_000)}${']'.repeat(30_000)}`, 'ERR_KEY_INVALID'],
      [JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(100_000) }), 'ERR_INPUT_TOO_LARGE'],
      ['{"__proto__":{"kty":"OKP"}}', 'ERR_KEY_INVALID'],
    ];
    for (const [text, code] of cases) {
      expectFailure(await run(['verify', '--key', 'bad.json', 'm'], { 'bad.json': text, m: '00' }), code);
    }
    expectFailure(
      await run(['verify', '--key', 'bad.json', 'm'], { 'bad.json': Uint8Array.of(0xff, 0xfe), m: '00' }),
      'ERR_KEY_INVALID',
    );
  });
});

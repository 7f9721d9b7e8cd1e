import { encodeCbor, signSign, signSign1, toHex, utf8 } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { ectClaims, expectFailure, expectUsage, jwkFiles, run, testKey } from './helpers.js';

const key = testKey('Ed25519');
const NOT_VERIFIED = /^NOT VERIFIED/;

async function signed(format: 'cose' | 'jws', claims: object = ectClaims()): Promise<string> {
  const r = await run(['sign', '--type', 'ect', '--key', 'k.json', '--format', format, 'c.json'], {
    'k.json': jwkFiles(key).private,
    'c.json': JSON.stringify(claims),
  });
  return r.out[0]!;
}

/** The JSON printed after the `claims:` line. */
function claimsOf(out: string[]): unknown {
  const at = out.indexOf('claims:');
  expect(at).toBeGreaterThan(0);
  return JSON.parse(out.slice(at + 1).join('\n'));
}

describe('safety-net inspect', () => {
  it('names the type of a COSE ECT, shows headers and claims, and says first that nothing was verified', async () => {
    const r = await run(['inspect', 'm'], { m: await signed('cose') });
    expect(r.status).toBe(0);
    expect(r.out[0]).toMatch(NOT_VERIFIED);
    expect(r.out).toContain('format: COSE_Sign1 (tag 18)');
    expect(r.out).toContain('message type: ect (typ "application/exec+cwt")');
    expect(r.out).toContain('alg: EdDSA (-8)');
    expect(r.out.find((l) => l.startsWith('protected: '))).toBe(
      `protected: {1: -8, 4: h'${toHex(key.kid!)}', 16: "application/exec+cwt"}`,
    );
    expect(claimsOf(r.out)).toEqual(ectClaims());
  });

  it('names the type of a JWT ECT by its JOSE typ', async () => {
    const r = await run(['inspect', 'm'], { m: await signed('jws') });
    expect(r.out[0]).toMatch(NOT_VERIFIED);
    expect(r.out).toContain('format: compact JWS');
    expect(r.out).toContain('message type: ect (typ "exec+jwt")');
    expect(claimsOf(r.out)).toEqual(ectClaims());
  });

  it('inspects a tampered message all the same: it verifies nothing', async () => {
    const hex = await signed('cose');
    const r = await run(['inspect', 'm'], { m: hex.slice(0, -2) + (hex.endsWith('00') ? '01' : '00') });
    expect(r.status).toBe(0);
    expect(claimsOf(r.out)).toEqual(ectClaims());
  });

  it('shows an unknown typ, a payload that is not claims, a detached payload and a COSE_Sign', async () => {
    const unknown = toHex(signSign1(utf8('hi'), key, { protectedHeader: { typ: 'application/x' } }));
    let r = await run(['inspect', 'm'], { m: unknown });
    expect(r.out).toContain('message type: unknown (typ "application/x")');
    expect(r.out.slice(-2)).toEqual(['payload:', 'hi']);

    const notClaims = toHex(
      signSign1(encodeCbor(new Map([[99, 1]])), key, { protectedHeader: { typ: 'application/exec+cwt' } }),
    );
    r = await run(['inspect', 'm'], { m: notClaims });
    expect(r.out.slice(-2)).toEqual(['payload (not ect claims: ERR_CLAIMS_INVALID):', '{99: 1}']);

    r = await run(['inspect', 'm'], { m: toHex(signSign1(utf8('hi'), key, { detached: true })) });
    expect(r.out).toContain('message type: none (no typ)');
    expect(r.out.at(-1)).toBe('payload: detached (not in the message)');

    const two = toHex(signSign(utf8('x'), [{ key }, { key: testKey('P-256') }]));
    r = await run(['inspect', 'm'], { m: two });
    expect(r.out).toContain('format: COSE_Sign (tag 98)');
    expect(r.out).toContain('signature 2 of 2: 64 bytes');
    expect(r.out).toContain('  alg: ES256 (-7)');
  });

  it('reports what cannot be decoded (exit 1) and usage mistakes (exit 2)', async () => {
    expectFailure(await run(['inspect', 'm'], { m: 'a1' }), 'ERR_CBOR_TRUNCATED');
    expectFailure(await run(['inspect', 'm'], { m: 'eyJhbGciOi.eyJ.AA' }), 'ERR_JOSE_MALFORMED');
    expectUsage(await run(['inspect'], {}));
    expectUsage(await run(['inspect', 'a', 'b'], { a: '00', b: '00' }));
    expectUsage(await run(['inspect', 'missing'], {}));
  });
});

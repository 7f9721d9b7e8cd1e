import { availableBackends } from '@safety-net/conformance';
import {
  algorithmByName,
  encodeCbor,
  keyToJwk,
  nobleBackend,
  publicKeyOf,
  signSign,
  signSign1,
  toBase64Url,
  toHex,
  utf8,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { readSharedJson, sharedPath, sharedTitle } from '../../../test-support/shared.js';
import { ectClaims, expectFailure, expectUsage, jwkFiles, NOW, run, testKey } from './helpers.js';

const key = testKey('Ed25519');
const other = testKey('Ed25519', 'other');
const p256 = testKey('P-256');

async function signed(format: 'cose' | 'jws', claims = ectClaims()): Promise<string> {
  const r = await run(['sign', '--type', 'ect', '--key', 'k.json', '--format', format, 'c.json'], {
    'k.json': jwkFiles(key).private,
    'c.json': JSON.stringify(claims),
  });
  expect(r.status).toBe(0);
  return r.out[0]!;
}

const pub = {
  'k.json': jwkFiles(key).public,
  'priv.json': jwkFiles(key).private,
  'other.json': jwkFiles(other).public,
};

describe('safety-net verify (generic)', () => {
  it('verifies a COSE_Sign1 given as hex, hex with line breaks, or binary, and prints the CBOR payload', async () => {
    const hex = await signed('cose');
    const wrapped = `${hex.replace(/(.{64})/g, '$1\n')}\n`;
    const binary = Uint8Array.from(Buffer.from(hex, 'hex'));
    for (const m of [hex, wrapped, binary]) {
      const r = await run(['verify', '--key', 'k.json', 'm'], { ...pub, m });
      expect(r.status, r.err.join()).toBe(0);
      expect(r.out).toHaveLength(1);
      expect(r.out[0]).toMatch(/^\{1: "spiffe:\/\/example.org\/agent\/a", 3: "spiffe:\/\/example.org\/agent\/b", /);
      expect(r.out[0]).toContain('"exec_act": "report.build"');
    }
  });

  it('accepts the private JWK (uses its public part)', async () => {
    expect((await run(['verify', '--key', 'priv.json', 'm'], { ...pub, m: await signed('cose') })).status).toBe(0);
  });

  it('prints a UTF-8 payload as text, and bytes that are neither CBOR nor text as hex', async () => {
    const text = signSign1(utf8('This is the content.'), key);
    expect((await run(['verify', '--key', 'k.json', 'm'], { ...pub, m: toHex(text) })).out).toEqual([
      'This is the content.',
    ]);
    const raw = Uint8Array.of(0xff, 0x00, 0x1c, 0x80);
    expect((await run(['verify', '--key', 'k.json', 'm'], { ...pub, m: toHex(signSign1(raw, key)) })).out).toEqual([
      'ff001c80',
    ]);
  });

  it('refuses a tampered message, another key, or a missing AAD with the code (exit 1)', async () => {
    const hex = await signed('cose');
    const tampered = hex.slice(0, -2) + (hex.endsWith('00') ? '01' : '00');
    expectFailure(await run(['verify', '--key', 'k.json', 'm'], { ...pub, m: tampered }), 'ERR_COSE_BAD_SIGNATURE');
    expectFailure(await run(['verify', '--key', 'other.json', 'm'], { ...pub, m: hex }), 'ERR_COSE_BAD_SIGNATURE');
    const withAad = toHex(signSign1(utf8('x'), key, { externalAad: utf8('aad') }));
    expectFailure(await run(['verify', '--key', 'k.json', 'm'], { ...pub, m: withAad }), 'ERR_COSE_BAD_SIGNATURE');
    const ok = await run(['verify', '--key', 'k.json', '--aad-hex', toHex(utf8('aad')), 'm'], { ...pub, m: withAad });
    expect(ok).toMatchObject({ status: 0, out: ['x'] });
  });

  it('verifies a generic compact JWS and prints its payload', async () => {
    const token = await signed('jws');
    const r = await run(['verify', '--key', 'k.json', 't'], { ...pub, t: `${token}\n` });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.out[0]!)).toEqual(ectClaims());
    const parts = token.split('.');
    const bad = `${parts[0]}.${parts[1]}.${parts[2]!.startsWith('A') ? 'B' : 'A'}${parts[2]!.slice(1)}`;
    expectFailure(await run(['verify', '--key', 'k.json', 't'], { ...pub, t: bad }), 'ERR_JOSE_BAD_SIGNATURE');
  });

  it("refuses a JWS whose alg is unsupported with core's code, for a generic and a typed verify", async () => {
    // Core's JWS checks are the CLI's: a name outside the table, and a pair jose cannot do (EdDSA over Ed448).
    const ed448 = testKey('Ed448');
    const jws = (alg: string, signer: typeof ed448) => {
      const input = `${toBase64Url(utf8(JSON.stringify({ alg, typ: 'exec+jwt' })))}.${toBase64Url(utf8(JSON.stringify(ectClaims())))}`;
      return `${input}.${toBase64Url(nobleBackend.sign(algorithmByName('EdDSA'), signer, utf8(input)))}`;
    };
    const files = { ...pub, 'ed448.json': jwkFiles(ed448).public, hs: jws('HS256', key), ed: jws('EdDSA', ed448) };
    for (const [keyFile, m] of [
      ['k.json', 'hs'],
      ['ed448.json', 'ed'],
    ]) {
      expectFailure(await run(['verify', '--key', keyFile!, m!], files), 'ERR_JOSE_ALG_UNSUPPORTED');
      expectFailure(await run(['verify', '--type', 'ect', '--key', keyFile!, m!], files), 'ERR_JOSE_ALG_UNSUPPORTED');
    }
  });

  it('verifies a COSE_Sign when every signature verifies with one of the --key files', async () => {
    const message = toHex(
      signSign(utf8('both'), [
        { key, protectedHeader: { kid: key.kid } },
        { key: p256, protectedHeader: { kid: p256.kid } },
      ]),
    );
    const files = { ...pub, 'p.json': jwkFiles(p256).public, m: message };
    expect(await run(['verify', '--key', 'k.json', '--key', 'p.json', 'm'], files)).toMatchObject({
      status: 0,
      out: ['both'],
    });
    expectFailure(await run(['verify', '--key', 'k.json', 'm'], files), 'ERR_KEY_NOT_FOUND');
  });

  it.skipIf(!sharedPath('external-vectors/cose-wg/eddsa-examples/eddsa-sig-01.json'))(
    sharedTitle(
      'verifies the COSE WG example eddsa-sig-01',
      'external-vectors/cose-wg/eddsa-examples/eddsa-sig-01.json',
    ),
    async () => {
      const example = readSharedJson<{ input: { sign0: { key: { x_hex: string } } }; output: { cbor: string } }>(
        'external-vectors/cose-wg/eddsa-examples/eddsa-sig-01.json',
      );
      const jwk = {
        kty: 'OKP',
        crv: 'Ed25519',
        x: Buffer.from(example.input.sign0.key.x_hex, 'hex').toString('base64url'),
      };
      const r = await run(['verify', '--key', 'k.json', 'm'], {
        'k.json': JSON.stringify(jwk),
        m: example.output.cbor,
      });
      expect(r).toMatchObject({ status: 0, out: ['This is the content.'] });
    },
  );
});

describe('safety-net verify --type', () => {
  it('runs the full pipeline at --now for both wire forms', async () => {
    for (const m of [await signed('cose'), await signed('jws')]) {
      const r = await run(['verify', '--key', 'k.json', '--type', 'ect', '--now', String(NOW + 10), 'm'], {
        ...pub,
        m,
      });
      expect(r.status, r.err.join()).toBe(0);
      expectFailure(
        await run(['verify', '--key', 'k.json', '--type', 'ect', '--now', String(NOW + 400), 'm'], { ...pub, m }),
        'ERR_CLAIMS_EXPIRED',
      );
    }
  });

  it('reads the injected clock when --now is absent', async () => {
    const late = await signed('cose', ectClaims({ iat: NOW - 1000, exp: NOW - 100 }));
    expectFailure(
      await run(['verify', '--key', 'k.json', '--type', 'ect', 'm'], { ...pub, m: late }),
      'ERR_CLAIMS_EXPIRED',
    );
  });

  it('applies the message type rules a generic verifier does not: typ', async () => {
    const untyped = toHex(signSign1(encodeCbor(new Map([[1, 'x']])), key));
    expect((await run(['verify', '--key', 'k.json', 'm'], { ...pub, m: untyped })).status).toBe(0);
    expectFailure(
      await run(['verify', '--key', 'k.json', '--type', 'ect', 'm'], { ...pub, m: untyped }),
      'ERR_COSE_TYP_MISSING',
    );
  });

  it('refuses bad flags with the usage (exit 2)', async () => {
    const files = { ...pub, m: await signed('cose') };
    expectUsage(await run(['verify', 'm'], files));
    expectUsage(await run(['verify', '--key', 'k.json'], files));
    expectUsage(await run(['verify', '--key', 'k.json', '--now', '5', 'm'], files));
    expectUsage(await run(['verify', '--key', 'k.json', '--type', 'ect', '--now', 'yesterday', 'm'], files));
    expectUsage(await run(['verify', '--key', 'k.json', '--type', 'unknown', 'm'], files));
    expectUsage(await run(['verify', '--key', 'k.json', '--aad-hex', 'xyz', 'm'], files));
    expectUsage(await run(['verify', '--key', 'k.json', '--frobnicate', 'm'], files));
    expectUsage(await run(['verify', '--key', 'k.json', 'absent.cose'], files));
    expectUsage(await run(['verify', '--key', 'k.json', '--aad-hex', '00', 't'], { ...files, t: await signed('jws') }));
  });
});

describe('ECDSA keys', () => {
  it('verifies ES256 messages signed by either backend (noble deterministic, node randomised)', async () => {
    const jwk = JSON.stringify(keyToJwk(publicKeyOf(p256)));
    for (const backend of availableBackends()) {
      const m = toHex(signSign1(utf8('ecdsa'), p256, { backend }));
      expect(await run(['verify', '--key', 'p.json', 'm'], { 'p.json': jwk, m })).toMatchObject({
        status: 0,
        out: ['ecdsa'],
      });
    }
  });
});

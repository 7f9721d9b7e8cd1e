import { keyFromJwk } from '@safety-net/core';
import { CompactSign, calculateJwkThumbprint, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { expectUsage, run } from './helpers.js';

const CURVES = { EdDSA: 'Ed25519', Ed25519: 'Ed25519', ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' } as const;

describe('safety-net keygen', () => {
  for (const [alg, crv] of Object.entries(CURVES)) {
    it(`--alg ${alg} prints a private ${crv} JWK restricted to ${alg}, usable by jose`, async () => {
      const r = await run(['keygen', '--alg', alg]);
      expect(r.status).toBe(0);
      const jwk = JSON.parse(r.out.join('\n'));
      expect(jwk).toMatchObject({ crv, alg });
      expect(typeof jwk.d).toBe('string');
      expect(keyFromJwk(jwk).type).toBe('private');
      // An independent JOSE implementation accepts the key and signs with it; our verify reads the result.
      const jwsAlg = alg === 'Ed25519' ? 'EdDSA' : alg;
      const token = await new CompactSign(new TextEncoder().encode('hello'))
        .setProtectedHeader({ alg: jwsAlg })
        .sign(await importJWK({ ...jwk, alg: jwsAlg }, jwsAlg));
      const { d: _d, ...pub } = jwk;
      const verified = await run(['verify', '--key', 'k.json', 't.jws'], {
        'k.json': JSON.stringify({ ...pub, alg: undefined }),
        't.jws': token,
      });
      expect(verified).toMatchObject({ status: 0, out: ['hello'] });
    });
  }

  it('--kid thumbprint is the RFC 7638 thumbprint (computed by jose)', async () => {
    const r = await run(['keygen', '--alg', 'ES256', '--kid', 'thumbprint']);
    const jwk = JSON.parse(r.out.join('\n'));
    expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }));
  });

  it('--kid text is carried as given', async () => {
    const r = await run(['keygen', '--alg', 'EdDSA', '--kid', 'agent-7']);
    expect(JSON.parse(r.out.join('\n')).kid).toBe('agent-7');
  });

  it('draws from the injected random source, and fresh keys differ', async () => {
    const a = await run(['keygen', '--alg', 'EdDSA']);
    const b = await run(['keygen', '--alg', 'EdDSA']);
    expect(a.out).toEqual(b.out);
    const c = await run(['keygen', '--alg', 'ES256']);
    expect(JSON.parse(c.out.join('\n')).d).not.toBe(JSON.parse(a.out.join('\n')).d);
  });

  it('refuses a missing, unknown or empty argument with the usage (exit 2)', async () => {
    expectUsage(await run(['keygen']));
    expectUsage(await run(['keygen', '--alg', 'RS256']));
    expectUsage(await run(['keygen', '--alg', 'none']));
    expectUsage(await run(['keygen', '--alg', 'EdDSA', '--kid', '']));
    expectUsage(await run(['keygen', '--alg', 'EdDSA', 'extra']));
    expectUsage(await run(['keygen', '--alg']));
    expectUsage(await run(['keygen', '--curve', 'P-256']));
  });
});

describe('safety-net keygen over the whole algorithm table', () => {
  const FULLY_SPECIFIED = {
    Ed448: { crv: 'Ed448', alg: 'Ed448', cose: -53 },
    ESP256: { crv: 'P-256', alg: 'ES256', cose: -7 },
    ESP384: { crv: 'P-384', alg: 'ES384', cose: -35 },
    ESP512: { crv: 'P-521', alg: 'ES512', cose: -36 },
  } as const;
  for (const [name, want] of Object.entries(FULLY_SPECIFIED)) {
    it(`--alg ${name} prints a ${want.crv} JWK under its JOSE name ${want.alg} (RFC 9864)`, async () => {
      const r = await run(['keygen', '--alg', name]);
      expect(r.status).toBe(0);
      const jwk = JSON.parse(r.out.join('\n'));
      expect(jwk).toMatchObject({ crv: want.crv, alg: want.alg });
      expect(keyFromJwk(jwk).alg).toBe(want.cose);
    });
  }
});

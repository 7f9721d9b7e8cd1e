import {
  algorithmByJoseName,
  bytesEqual,
  ect,
  fixedClock,
  type Key,
  keyToJwk,
  publicKeyOf,
  remoteKeySet,
  signJws,
  utf8,
  verifyJws,
} from '@safety-net/core';
import { createRemoteJWKSet, exportJWK, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { resultCode } from '../../../../test-support/codes.js';
import { ectClaims, NOW_S, testKey } from '../messages/fixtures.js';
import { type KeyPublisher, startKeyPublisher } from './key-publisher.js';

const ISSUER = ectClaims().iss;
const signer = testKey('Ed25519');
const other = testKey('P-256');
const ed448 = testKey('Ed448');
const JOSE_ALG: Record<string, string> = { Ed25519: 'EdDSA', Ed448: 'EdDSA', 'P-256': 'ES256' };
const jwks = (...keys: Key[]) => JSON.stringify({ keys: keys.map((k) => keyToJwk(publicKeyOf(k))) });

let publisher: KeyPublisher | undefined;
afterEach(async () => {
  await publisher?.close();
  publisher = undefined;
});

async function published(...keys: Key[]) {
  publisher = await startKeyPublisher({ body: jwks(...keys) });
  const clock = fixedClock(NOW_S * 1000);
  return { publisher, clock, keys: remoteKeySet(publisher.url, { issuer: ISSUER, clock }) };
}

describe('verifying with the keys an issuer publishes', () => {
  it('JWS: a token signed with a published key verifies; once the key is rotated out, it does not', async () => {
    const { publisher, clock, keys } = await published(signer, other);
    const token = await signJws(ect, ectClaims(), signer);
    expect(resultCode(await verifyJws(ect, token, { key: keys, clock }))).toBe('ok');
    expect(publisher.requests).toHaveLength(1);
    publisher.publish({ body: jwks(other) });
    await keys.refresh();
    expect(resultCode(await verifyJws(ect, token, { key: keys, clock }))).toBe('ERR_KEY_NOT_FOUND');
    const rotated = await signJws(ect, ectClaims(), other);
    expect(resultCode(await verifyJws(ect, rotated, { key: keys, clock }))).toBe('ok');
  });

  it('COSE: verifyAsync fetches as needed; verify uses the held set once ready', async () => {
    const { publisher, clock, keys } = await published(signer);
    const bytes = ect.sign(ectClaims(), signer);
    expect(resultCode(ect.verify(bytes, { key: keys, clock }))).toBe('ERR_KEY_SET_UNAVAILABLE');
    const result = await ect.verifyAsync(bytes, { key: keys, clock });
    expect(resultCode(result)).toBe('ok');
    expect(result.ok && bytesEqual(result.key.x, signer.x)).toBe(true);
    expect(resultCode(ect.verify(bytes, { key: keys, clock }))).toBe('ok');
    expect(publisher.requests).toHaveLength(1);
    // A key the issuer adds later: verifyAsync refreshes for its unknown kid (after the cooldown) and accepts it.
    publisher.publish({ body: jwks(signer, other) });
    const later = ect.sign(ectClaims(), other);
    expect(resultCode(ect.verify(later, { key: keys, clock }))).toBe('ERR_KEY_NOT_FOUND');
    clock.advance(30_000);
    expect(resultCode(await ect.verifyAsync(later, { key: keys, clock }))).toBe('ok');
    expect(publisher.requests).toHaveLength(2);
    // Rotated out: refused by both paths after the refresh.
    publisher.publish({ body: jwks(other) });
    await keys.refresh();
    expect(resultCode(ect.verify(bytes, { key: keys, clock }))).toBe('ERR_KEY_NOT_FOUND');
    expect(resultCode(await ect.verifyAsync(bytes, { key: keys, clock }))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('keys are bound to the configured issuer: a token of another issuer signed with a published key is refused', async () => {
    const { keys, clock } = await published(signer);
    const claims = ectClaims({ iss: 'spiffe://attacker.example/agent' });
    expect(resultCode(await ect.verifyAsync(ect.sign(claims, signer), { key: keys, clock }))).toBe('ERR_KEY_UNTRUSTED');
    expect(resultCode(await verifyJws(ect, await signJws(ect, claims, signer), { key: keys, clock }))).toBe(
      'ERR_KEY_UNTRUSTED',
    );
  });

  it('pipeline order holds: a failure before key resolution is reported without any fetch', async () => {
    const { publisher, keys, clock } = await published(signer);
    const wrongTyp = ect.sign(ectClaims(), signer).slice();
    // Flip one byte of the protected typ text: still well formed, another typ.
    const at = Buffer.from(wrongTyp).indexOf('application/exec+cwt');
    wrongTyp[at] = 'b'.charCodeAt(0);
    expect(resultCode(await ect.verifyAsync(wrongTyp, { key: keys, clock }))).toBe('ERR_COSE_TYP_MISMATCH');
    expect(publisher.requests).toHaveLength(0);
  });
});

describe('the same JWK Set through jose createRemoteJWKSet', () => {
  it('resolves the same keys under the same kids', async () => {
    const kids = [signer, other, ed448].map((k) => ({ ...k, kid: utf8(`kid-${k.curve}`) }));
    const { publisher, keys } = await published(...kids);
    const joseSet = createRemoteJWKSet(new URL(publisher.url));
    for (const k of kids) {
      const kid = Buffer.from(k.kid!).toString();
      const alg = JOSE_ALG[k.curve]!;
      const ours = await keys.resolveAsync({ kid: k.kid, alg: algorithmByJoseName(alg), issuer: ISSUER });
      expect(bytesEqual(ours.x, k.x)).toBe(true);
      if (k.curve === 'Ed448') continue; // Web Crypto in Node has no Ed448, so jose cannot import it.
      const theirs = await exportJWK(await joseSet({ alg, kid }));
      expect(theirs.x).toBe(keyToJwk(ours).x);
      expect(theirs.y).toBe(keyToJwk(ours).y);
    }
    // A kid neither knows: both refuse.
    await expect(joseSet({ alg: 'EdDSA', kid: 'nobody' })).rejects.toThrow();
    expect(
      await keys.resolveAsync({ kid: utf8('nobody'), alg: algorithmByJoseName('EdDSA'), issuer: ISSUER }).then(
        () => 'found',
        (e: { code: string }) => e.code,
      ),
    ).toBe('ERR_KEY_NOT_FOUND');
    // And jose verifies our token with the key it fetched, as we do.
    const token = await signJws(ect, ectClaims(), kids[0]!);
    await expect(jwtVerify(token, joseSet, { currentDate: new Date(NOW_S * 1000) })).resolves.toBeDefined();
  });
});

describe('verifyAsync with any resolver that resolves asynchronously', () => {
  it('asks resolveAsync once, with the request of step 7, and never the synchronous resolve', async () => {
    const asked: { kid?: Uint8Array; issuer?: string }[] = [];
    const resolver = {
      resolve: () => {
        throw new Error('the synchronous path must not be used');
      },
      resolveAsync: async (request: { kid?: Uint8Array; issuer?: string }) => {
        asked.push(request);
        return publicKeyOf(signer);
      },
    };
    const clock = fixedClock(NOW_S * 1000);
    const result = await ect.verifyAsync(ect.sign(ectClaims(), signer), { key: resolver, clock });
    expect(resultCode(result)).toBe('ok');
    expect(asked).toHaveLength(1);
    expect(bytesEqual(asked[0]!.kid!, signer.kid!)).toBe(true);
    expect(asked[0]!.issuer).toBe(ISSUER);
    const token = await signJws(ect, ectClaims(), signer);
    expect(resultCode(await verifyJws(ect, token, { key: resolver, clock }))).toBe('ok');
    expect(asked).toHaveLength(2);
    // A failure of resolveAsync is the verification's, at key resolution.
    const refusing = { ...resolver, resolveAsync: async () => publicKeyOf(other) };
    expect(resultCode(await ect.verifyAsync(ect.sign(ectClaims(), signer), { key: refusing, clock }))).toBe(
      'ERR_KEY_ALG_MISMATCH',
    );
  });
});

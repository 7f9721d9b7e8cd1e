import {
  algorithmById,
  encodeCbor,
  fixedClock,
  generateKey,
  isSafetyNetError,
  type Key,
  type KeyRequest,
  keyToCoseKey,
  keyToJwk,
  publicKeyOf,
  type RemoteKeySetOptions,
  remoteKeySet,
  seededRandom,
  toBase64Url,
  utf8,
} from '@safety-net/core';
import { afterEach, describe, expect, it } from 'vitest';
import { codeOf, codeOfAsync } from '../../../../test-support/codes.js';
import { type KeyPublisher, type Publication, startKeyPublisher } from './key-publisher.js';

const EDDSA = algorithmById(-8);
const ES256 = algorithmById(-7);
const ISSUER = 'https://issuer.example';
const T0 = 1_772_323_200_000;

const named = (seed: string, kid: string, curve: 'Ed25519' | 'P-256' = 'Ed25519'): Key => ({
  ...generateKey(curve, seededRandom(`remote-key-set/${seed}`)),
  kid: utf8(kid),
});
const a = named('a', 'a');
const b = named('b', 'b');
const c = named('c', 'c', 'P-256');

const jwks = (...keys: Key[]) => JSON.stringify({ keys: keys.map((k) => keyToJwk(publicKeyOf(k))) });
const ask = (kid: string, alg = EDDSA): KeyRequest => ({ kid: utf8(kid), alg, issuer: ISSUER });

let publisher: KeyPublisher | undefined;
afterEach(async () => {
  await publisher?.close();
  publisher = undefined;
});

async function setup(publication: Publication, options: Partial<RemoteKeySetOptions> = {}) {
  publisher = await startKeyPublisher(publication);
  const clock = fixedClock(T0);
  const keys = remoteKeySet(publisher.url, { issuer: ISSUER, clock, ...options });
  return { publisher, clock, keys };
}

describe('fetching and caching', () => {
  it('fetches once, asking for a JWK Set, and answers from the cache while it is fresh', async () => {
    const { publisher, clock, keys } = await setup({ body: jwks(a, b), cacheControl: 'max-age=120' });
    expect((await keys.resolveAsync(ask('a'))).x).toEqual(a.x);
    expect(keys.resolve(ask('b')).x).toEqual(b.x);
    clock.advance(119_999);
    await keys.resolveAsync(ask('a'));
    keys.resolve(ask('a'));
    expect(publisher.requests).toHaveLength(1);
    expect(publisher.requests[0]!.accept).toBe('application/jwk-set+json');
    expect(keys.status()).toMatchObject({ size: 2, fetches: 1, fetchedAt: T0, freshUntil: T0 + 120_000 });
    clock.advance(1);
    await keys.resolveAsync(ask('a'));
    expect(publisher.requests).toHaveLength(2);
  });

  it('holds max-age within the configured bounds, and subtracts Age', async () => {
    const cases: [Publication, Partial<RemoteKeySetOptions>, number][] = [
      [{ body: jwks(a), cacheControl: 'max-age=5' }, { minTtlSeconds: 60 }, 60],
      [{ body: jwks(a), cacheControl: 'public, max-age=999999' }, { maxTtlSeconds: 3600 }, 3600],
      [{ body: jwks(a) }, {}, 600],
      [{ body: jwks(a), cacheControl: 'no-store' }, { minTtlSeconds: 10 }, 10],
      [{ body: jwks(a), cacheControl: 'max-age=300', age: 100 }, {}, 200],
      [{ body: jwks(a), cacheControl: 'max-age="300"' }, {}, 300],
      [{ body: jwks(a), cacheControl: 'max-age=1e3' }, {}, 600],
    ];
    for (const [publication, options, seconds] of cases) {
      const { keys } = await setup(publication, options);
      await keys.ready();
      expect(keys.status().freshUntil, JSON.stringify(publication)).toBe(T0 + seconds * 1000);
      await publisher!.close();
      publisher = undefined;
    }
  });

  it('refreshes with If-None-Match; 304 keeps the set and starts a new lifetime', async () => {
    const { publisher, clock, keys } = await setup({ body: jwks(a), cacheControl: 'max-age=60' });
    await keys.ready();
    clock.advance(60_000);
    await keys.ready();
    expect(publisher.requests).toHaveLength(2);
    expect(publisher.requests[1]!['if-none-match']).toMatch(/^"/);
    expect(publisher.notModified()).toBe(1);
    expect(keys.status()).toMatchObject({ size: 1, fetchedAt: T0 + 60_000, freshUntil: T0 + 120_000 });
    expect(keys.resolve(ask('a')).x).toEqual(a.x);
  });

  it('a stale set still answers synchronously and is refreshed in the background', async () => {
    const { publisher, clock, keys } = await setup({ body: jwks(a), cacheControl: 'max-age=60' });
    await keys.ready();
    publisher.publish({ body: jwks(b), cacheControl: 'max-age=60' });
    clock.advance(61_000);
    expect(keys.resolve(ask('a')).x).toEqual(a.x);
    await expect.poll(() => keys.status().fetchedAt).toBe(T0 + 61_000);
    expect(codeOf(() => keys.resolve(ask('a')))).toBe('ERR_KEY_NOT_FOUND');
    expect(keys.resolve(ask('b')).x).toEqual(b.x);
  });
});

describe('rotation', () => {
  it('after a refresh, a key that disappeared stops resolving and a key that appeared resolves', async () => {
    const { publisher, keys } = await setup({ body: jwks(a, b) });
    await keys.ready();
    publisher.publish({ body: jwks(b, c) });
    expect(keys.resolve(ask('a')).x).toEqual(a.x);
    await keys.refresh();
    expect(codeOf(() => keys.resolve(ask('a')))).toBe('ERR_KEY_NOT_FOUND');
    expect(keys.resolve(ask('b')).x).toEqual(b.x);
    expect(keys.resolve(ask('c', ES256)).x).toEqual(c.x);
  });

  it('an unknown kid fetches (once the cooldown has passed) and resolves a newly published key', async () => {
    const { publisher, clock, keys } = await setup({ body: jwks(a) });
    await keys.ready();
    publisher.publish({ body: jwks(a, b) });
    expect(await codeOfAsync(() => keys.resolveAsync(ask('b')))).toBe('ERR_KEY_NOT_FOUND');
    expect(publisher.requests).toHaveLength(1);
    clock.advance(30_000);
    expect((await keys.resolveAsync(ask('b'))).x).toEqual(b.x);
    expect(publisher.requests).toHaveLength(2);
  });
});

describe('bounded refresh', () => {
  const random = seededRandom('remote-key-set/flood');
  const randomKid = () => toBase64Url(random.bytes(16));

  it('a flood of 1,000 unknown kids costs at most one fetch per cooldown', async () => {
    const { publisher, clock, keys } = await setup({ body: jwks(a), delayMs: 20 });
    await keys.ready();
    for (let round = 1; round <= 3; round++) {
      clock.advance(30_000);
      const codes = await Promise.all(
        Array.from({ length: 1000 }, () => codeOfAsync(() => keys.resolveAsync(ask(randomKid())))),
      );
      expect(new Set(codes)).toEqual(new Set(['ERR_KEY_NOT_FOUND']));
      // Synchronous lookups within the same cooldown start nothing either.
      for (let i = 0; i < 1000; i++) expect(codeOf(() => keys.resolve(ask(randomKid())))).toBe('ERR_KEY_NOT_FOUND');
      await keys.resolveAsync(ask('a'));
      expect(publisher.requests).toHaveLength(1 + round);
    }
    // Within one cooldown: none at all.
    clock.advance(29_999);
    await Promise.all(Array.from({ length: 1000 }, () => codeOfAsync(() => keys.resolveAsync(ask(randomKid())))));
    expect(publisher.requests).toHaveLength(4);
  });

  it('concurrent lookups before the first set share one fetch', async () => {
    const { publisher, keys } = await setup({ body: jwks(a, b), delayMs: 50 });
    const found = await Promise.all(Array.from({ length: 50 }, (_, i) => keys.resolveAsync(ask(i % 2 ? 'a' : 'b'))));
    expect(found.map((k) => k.x)).toEqual(Array.from({ length: 50 }, (_, i) => (i % 2 ? a.x : b.x)));
    expect(publisher.requests).toHaveLength(1);
    expect(keys.status().fetches).toBe(1);
  });

  it('a failing publisher is asked at most once per cooldown too', async () => {
    const { publisher, clock, keys } = await setup({ body: '', status: 503 });
    const codes = await Promise.all(Array.from({ length: 100 }, () => codeOfAsync(() => keys.resolveAsync(ask('a')))));
    expect(new Set(codes)).toEqual(new Set(['ERR_KEY_SET_FETCH_FAILED']));
    expect(codeOf(() => keys.resolve(ask('a')))).toBe('ERR_KEY_SET_FETCH_FAILED');
    expect(publisher.requests).toHaveLength(1);
    clock.advance(30_000);
    publisher.publish({ body: jwks(a) });
    expect((await keys.resolveAsync(ask('a'))).x).toEqual(a.x);
    expect(publisher.requests).toHaveLength(2);
  });
});

describe('failures are typed and keep the last good set', () => {
  const oversize = JSON.stringify({ keys: [], pad: 'x'.repeat(70_000) });
  const many = jwks(...Array.from({ length: 5 }, (_, i) => named(`many-${i}`, `m${i}`)));
  const bad: [string, Publication, string][] = [
    ['not JSON', { body: '<html>oops</html>' }, 'ERR_KEY_SET_INVALID'],
    ['not UTF-8', { body: Uint8Array.of(0x7b, 0xff, 0x7d) }, 'ERR_KEY_SET_INVALID'],
    ['no keys array', { body: '{"keys":{}}' }, 'ERR_KEY_SET_INVALID'],
    ['an array', { body: '[]' }, 'ERR_KEY_SET_INVALID'],
    ['a duplicate member', { body: '{"keys":[],"keys":[]}' }, 'ERR_KEY_SET_INVALID'],
    ['too deep', { body: `{"keys":[],"x":${'['.repeat(20)}${']'.repeat(20)}}` }, 'ERR_KEY_SET_INVALID'],
    ['oversize, with Content-Length', { body: oversize }, 'ERR_KEY_SET_INVALID'],
    ['oversize, chunked', { body: oversize, chunked: true }, 'ERR_KEY_SET_INVALID'],
    ['more keys than the limit', { body: many }, 'ERR_KEY_SET_INVALID'],
    ['HTTP 500', { body: '', status: 500 }, 'ERR_KEY_SET_FETCH_FAILED'],
    ['HTTP 404', { body: '', status: 404 }, 'ERR_KEY_SET_FETCH_FAILED'],
    ['a redirect to nowhere', { body: '', status: 302 }, 'ERR_KEY_SET_FETCH_FAILED'],
    ['no answer before the timeout', { body: '', hang: true }, 'ERR_KEY_SET_FETCH_FAILED'],
  ];

  it.each(bad)('%s', async (_, publication, code) => {
    const { publisher, keys } = await setup({ body: jwks(a, b) }, { timeoutMs: 300, maxKeys: 4 });
    await keys.ready();
    publisher.publish(publication);
    const started = Date.now();
    const error = await keys.refresh().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(isSafetyNetError(error) && error.code).toBe(code);
    expect(keys.status().lastError).toBe(error);
    expect(keys.resolve(ask('a')).x).toEqual(a.x);
    expect((await keys.resolveAsync(ask('b'))).x).toEqual(b.x);
  });

  it('before any set: ready() and resolveAsync() say why, resolve() too', async () => {
    const { keys } = await setup({ body: 'garbage' });
    expect(codeOf(() => keys.resolve(ask('a')))).toBe('ERR_KEY_SET_UNAVAILABLE');
    expect(await codeOfAsync(() => keys.ready())).toBe('ERR_KEY_SET_INVALID');
    expect(await codeOfAsync(() => keys.resolveAsync(ask('a')))).toBe('ERR_KEY_SET_INVALID');
    expect(codeOf(() => keys.resolve(ask('a')))).toBe('ERR_KEY_SET_INVALID');
  });

  it('a refused connection and a fetch that throws anything at all are ERR_KEY_SET_FETCH_FAILED', async () => {
    const { publisher: p } = await setup({ body: jwks(a) });
    const url = p.url;
    await p.close();
    publisher = undefined;
    const refused = remoteKeySet(url, { issuer: ISSUER });
    expect(await codeOfAsync(() => refused.ready())).toBe('ERR_KEY_SET_FETCH_FAILED');
    for (const thrown of ['a string', new TypeError('fetch failed'), undefined]) {
      const keys = remoteKeySet(url, {
        issuer: ISSUER,
        fetch: () => {
          throw thrown;
        },
      });
      expect(await codeOfAsync(() => keys.ready())).toBe('ERR_KEY_SET_FETCH_FAILED');
      expect((keys.status().lastError?.cause as unknown) ?? 'none').toBe(thrown ?? 'none');
    }
  });
});

describe('redirects', () => {
  it('a fetch that ended on a URL that is not https is refused; one that stayed on https is read', async () => {
    const answer = (url: string) => async () =>
      Object.defineProperty(new Response(jwks(a), { status: 200 }), 'url', { value: url });
    const options = { issuer: ISSUER, clock: fixedClock(T0) };
    const downgraded = remoteKeySet('https://issuer.example/jwks', {
      ...options,
      fetch: answer('http://cdn.example/'),
    });
    expect(await codeOfAsync(() => downgraded.ready())).toBe('ERR_KEY_SET_FETCH_FAILED');
    const moved = remoteKeySet('https://issuer.example/jwks', { ...options, fetch: answer('https://cdn.example/') });
    expect((await moved.resolveAsync(ask('a'))).x).toEqual(a.x);
  });
});

describe('which keys are used', () => {
  it('skips keys it does not understand or that are malformed (RFC 7517 §5) and uses the rest', async () => {
    const good = keyToJwk(publicKeyOf(a));
    const document = JSON.stringify({
      keys: [
        { kty: 'RSA', kid: 'rsa', n: 'AQAB', e: 'AQAB' },
        { ...keyToJwk(publicKeyOf(b)), use: 'enc' },
        { ...keyToJwk(publicKeyOf(c)), x: 'AAAA' },
        { kty: 'OKP', crv: 'X25519', x: good.x },
        'not an object',
        good,
        { ...good, kid: 'a-again' },
        { ...keyToJwk(publicKeyOf(b)), kid: 'a' },
        keyToJwk(publicKeyOf(c)),
      ],
    });
    const { keys } = await setup({ body: document });
    await keys.ready();
    expect(keys.status().skipped).toEqual([
      { index: 0, code: 'ERR_KEY_UNSUPPORTED' },
      { index: 1, code: 'ERR_KEY_UNSUPPORTED' },
      { index: 2, code: 'ERR_KEY_INVALID' },
      { index: 3, code: 'ERR_KEY_UNSUPPORTED' },
      { index: 4, code: 'ERR_KEY_INVALID' },
      { index: 6, code: 'ERR_KEY_INVALID' },
      { index: 7, code: 'ERR_KEY_INVALID' },
    ]);
    expect(keys.status().size).toBe(2);
    expect(keys.resolve(ask('a')).x).toEqual(a.x);
    expect(keys.resolve(ask('c', ES256)).x).toEqual(c.x);
    expect(codeOf(() => keys.resolve(ask('b')))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('keeps only public parts, and an empty set trusts nothing', async () => {
    const { publisher, keys } = await setup({
      body: JSON.stringify({ keys: [keyToJwk(a, { includePrivate: true })] }),
    });
    const found = await keys.resolveAsync(ask('a'));
    expect(found.type).toBe('public');
    expect('d' in found).toBe(false);
    publisher.publish({ body: '{"keys":[]}' });
    await keys.refresh();
    expect(keys.status().size).toBe(0);
    expect(codeOf(() => keys.resolve(ask('a')))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('binds every key to the configured issuers', async () => {
    const { keys } = await setup({ body: jwks(a) }, { issuer: [ISSUER, 'https://other.example'] });
    await keys.ready();
    expect(keys.resolve({ ...ask('a'), issuer: 'https://other.example' }).x).toEqual(a.x);
    expect(codeOf(() => keys.resolve({ ...ask('a'), issuer: 'https://attacker.example' }))).toBe('ERR_KEY_UNTRUSTED');
    expect(codeOf(() => keys.resolve({ kid: utf8('a'), alg: EDDSA }))).toBe('ERR_KEY_UNTRUSTED');
    expect(await codeOfAsync(() => keys.resolveAsync({ ...ask('a'), issuer: 'x' }))).toBe('ERR_KEY_UNTRUSTED');
    expect(keys.status().fetches).toBe(1);
  });

  it('reads a COSE_KeySet, asking for application/cose-key-set', async () => {
    const binaryKid = { ...b, kid: Uint8Array.of(0xff, 0x00, 0x01) };
    const coseKeySet = encodeCbor([keyToCoseKey(publicKeyOf(a)), keyToCoseKey(publicKeyOf(binaryKid)), 7]);
    const { publisher, keys } = await setup(
      { body: coseKeySet, contentType: 'application/cose-key-set' },
      { format: 'cose' },
    );
    expect((await keys.resolveAsync({ kid: Uint8Array.of(0xff, 0x00, 0x01), alg: EDDSA, issuer: ISSUER })).x).toEqual(
      b.x,
    );
    expect(keys.resolve(ask('a')).x).toEqual(a.x);
    expect(keys.status().skipped).toEqual([{ index: 2, code: 'ERR_KEY_INVALID' }]);
    expect(publisher.requests[0]!.accept).toBe('application/cose-key-set');
    for (const body of [encodeCbor([]), encodeCbor(new Map()), Uint8Array.of(0x81), Uint8Array.of(0x9f, 0xff)]) {
      publisher.publish({ body });
      expect(await codeOfAsync(() => keys.refresh())).toBe('ERR_KEY_SET_INVALID');
    }
    expect(keys.resolve(ask('a')).x).toEqual(a.x);
  });
});

describe('configuration', () => {
  it('refuses URLs that are not https (http only for loopback) and bad options', () => {
    const ok = { issuer: ISSUER };
    expect(codeOf(() => remoteKeySet('https://issuer.example/jwks', ok))).toBe('no error');
    expect(codeOf(() => remoteKeySet('http://localhost:8080/jwks', ok))).toBe('no error');
    expect(codeOf(() => remoteKeySet('http://[::1]/jwks', ok))).toBe('no error');
    expect(codeOf(() => remoteKeySet(new URL('http://127.1.2.3/jwks'), ok))).toBe('no error');
    for (const url of ['http://issuer.example/jwks', 'http://127.0.0.1.example/jwks', 'file:///etc/jwks', 'jwks']) {
      expect(
        codeOf(() => remoteKeySet(url, ok)),
        url,
      ).toBe('ERR_INPUT_INVALID');
    }
    const url = 'https://issuer.example/jwks';
    const badOptions: unknown[] = [
      undefined,
      {},
      { issuer: [] },
      { issuer: [''] },
      { ...ok, format: 'pem' },
      { ...ok, fetch: 'fetch' },
      { ...ok, timeoutMs: 0 },
      { ...ok, maxKeys: 1.5 },
      { ...ok, cooldownSeconds: -1 },
      { ...ok, minTtlSeconds: 100, maxTtlSeconds: 10 },
      { ...ok, defaultTtlSeconds: Number.NaN },
    ];
    for (const options of badOptions) {
      expect(
        codeOf(() => remoteKeySet(url, options as RemoteKeySetOptions)),
        JSON.stringify(options),
      ).toBe('ERR_INPUT_INVALID');
    }
  });
});

import { createECDH, createPrivateKey } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import {
  type Curve,
  fromHex,
  generateKey,
  publicKeyOf,
  type RandomSource,
  seededRandom,
  toHex,
  utf8,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';

// generateKey is deterministic from its RandomSource, and node:crypto (an independent implementation) derives the
// same public key from the private part.

/** A RandomSource that records what it handed out. */
function recording(seed: string): RandomSource & { drawn: Uint8Array[] } {
  const inner = seededRandom(seed);
  const drawn: Uint8Array[] = [];
  return {
    drawn,
    bytes(n) {
      const b = inner.bytes(n);
      drawn.push(b.slice());
      return b;
    },
  };
}

const PKCS8_PREFIX: Partial<Record<Curve, string>> = {
  Ed25519: '302e020100300506032b657004220420',
  Ed448: '3047020100300506032b6571043b0439',
};
const ECDH_NAME: Partial<Record<Curve, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
const ORDER: Partial<Record<Curve, bigint>> = {
  'P-256': p256.Point.Fn.ORDER,
  'P-384': p384.Point.Fn.ORDER,
  'P-521': p521.Point.Fn.ORDER,
};

describe.each(['Ed25519', 'Ed448'] as const)('%s', (curve) => {
  it('the seed is the random bytes, and node:crypto derives the same public key', () => {
    const random = recording(`generate/${curve}`);
    const key = generateKey(curve, random);
    expect(random.drawn).toEqual([key.d]);
    const nodeKey = createPrivateKey({
      key: Buffer.from(PKCS8_PREFIX[curve]! + toHex(key.d), 'hex'),
      format: 'der',
      type: 'pkcs8',
    });
    expect(key.x).toEqual(new Uint8Array(Buffer.from(nodeKey.export({ format: 'jwk' }).x!, 'base64url')));
    expect(key.y).toBeUndefined();
  });
});

describe.each(['P-256', 'P-384', 'P-521'] as const)('%s', (curve) => {
  it('d = (seed mod (n - 1)) + 1 over at least 1.5 × the order length, and node:crypto derives (x, y)', () => {
    const random = recording(`generate/${curve}`);
    const key = generateKey(curve, random);
    const n = ORDER[curve]!;
    const size = key.d.length;
    expect(random.drawn).toHaveLength(1);
    const seed = random.drawn[0]!;
    expect(seed.length).toBeGreaterThanOrEqual(Math.ceil((n.toString(2).length * 1.5) / 8));
    const expected = (BigInt(`0x${toHex(seed)}`) % (n - 1n)) + 1n;
    expect(toHex(key.d)).toBe(expected.toString(16).padStart(size * 2, '0'));
    const ecdh = createECDH(ECDH_NAME[curve]!);
    ecdh.setPrivateKey(Buffer.from(key.d));
    const point = new Uint8Array(ecdh.getPublicKey());
    expect(point.subarray(1, 1 + size)).toEqual(key.x);
    expect(point.subarray(1 + size)).toEqual(key.y);
  });
});

describe('generateKey', () => {
  it('is deterministic for a seeded source, and different seeds give different keys', () => {
    for (const curve of ['Ed25519', 'P-256'] as const) {
      expect(generateKey(curve, seededRandom('same'))).toEqual(generateKey(curve, seededRandom('same')));
      expect(generateKey(curve, seededRandom('a')).d).not.toEqual(generateKey(curve, seededRandom('b')).d);
    }
  });

  it('draws from the system CSPRNG by default', () => {
    expect(generateKey('Ed25519').d).not.toEqual(generateKey('Ed25519').d);
  });

  it('refuses an unknown curve with a typed error', () => {
    expect(() => generateKey('X25519' as Curve)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNSUPPORTED' }));
  });
});

describe('publicKeyOf', () => {
  it('drops d, keeps kid and alg, and returns the same object each time', () => {
    const key = { ...generateKey('P-256', seededRandom('public-of')), kid: utf8('k1'), alg: -7 };
    const pub = publicKeyOf(key);
    expect(pub).toEqual({ type: 'public', curve: 'P-256', x: key.x, y: key.y, kid: key.kid, alg: -7 });
    expect('d' in pub).toBe(false);
    expect(publicKeyOf(key)).toBe(pub);
    expect(publicKeyOf(pub)).toBe(pub);
  });

  it('an OKP public key has no y', () => {
    const pub = publicKeyOf(generateKey('Ed25519', seededRandom('public-of/okp')));
    expect(Object.keys(pub).sort()).toEqual(['curve', 'type', 'x']);
    expect(pub.x).toEqual(fromHex(toHex(pub.x)));
  });
});

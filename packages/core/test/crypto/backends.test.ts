import { p256, p384, p521 } from '@noble/curves/nist.js';
import {
  algorithmById,
  type CryptoBackend,
  type Curve,
  concatBytes,
  generateKey,
  nobleBackend,
  nodeBackend,
  type PrivateKey,
  publicKeyOf,
  seededRandom,
  signatureLength,
  utf8,
} from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';

// Both backends, every algorithm: round trips, each verifies the other, EdDSA byte-identical, noble ECDSA
// deterministic, high-S accepted, tampering and garbage refused with `false` (never an exception).

const node = nodeBackend();
const BACKENDS: [string, CryptoBackend][] = [
  ['noble', nobleBackend],
  ['node', node!],
];

/** Algorithm × curve: the fully specified pairs, EdDSA on both Edwards curves, and two generic RFC 9052 pairs. */
const CASES: { alg: number; curve: Curve }[] = [
  { alg: -8, curve: 'Ed25519' },
  { alg: -8, curve: 'Ed448' },
  { alg: -19, curve: 'Ed25519' },
  { alg: -53, curve: 'Ed448' },
  { alg: -7, curve: 'P-256' },
  { alg: -9, curve: 'P-256' },
  { alg: -51, curve: 'P-384' },
  { alg: -52, curve: 'P-521' },
  { alg: -35, curve: 'P-384' },
  { alg: -36, curve: 'P-521' },
  { alg: -36, curve: 'P-256' },
  { alg: -7, curve: 'P-521' },
];

const keys = new Map<Curve, PrivateKey>();
function keyFor(curve: Curve): PrivateKey {
  let key = keys.get(curve);
  if (!key) {
    key = generateKey(curve, seededRandom(`backend-tests/${curve}`));
    keys.set(curve, key);
  }
  return key;
}

const ORDERS: Partial<Record<Curve, bigint>> = {
  'P-256': p256.Point.Fn.ORDER,
  'P-384': p384.Point.Fn.ORDER,
  'P-521': p521.Point.Fn.ORDER,
};

const toBig = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
const fromBig = (n: bigint, size: number): Uint8Array =>
  Uint8Array.from(Buffer.from(n.toString(16).padStart(size * 2, '0'), 'hex'));

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice();
  out[index % out.length]! ^= 0x01;
  return out;
}

it('node:crypto is available on this runtime', () => {
  expect(node).toBeDefined();
  expect(node!.name).toBe('node');
  expect(nobleBackend.name).toBe('noble');
});

describe.each(CASES)('alg $alg on $curve', ({ alg: id, curve }) => {
  const alg = algorithmById(id);
  const key = keyFor(curve);
  const pub = publicKeyOf(key);
  const data = utf8(`to be signed with ${id} on ${curve}`);

  it.each(BACKENDS)('%s: signs with the RFC 9053 length and verifies its own signature', (_name, backend) => {
    const sig = backend.sign(alg, key, data);
    expect(sig).toBeInstanceOf(Uint8Array);
    expect(sig.length).toBe(signatureLength(alg, curve));
    expect(backend.verify(alg, pub, data, sig)).toBe(true);
  });

  it('each backend verifies the other', () => {
    expect(node!.verify(alg, pub, data, nobleBackend.sign(alg, key, data))).toBe(true);
    expect(nobleBackend.verify(alg, pub, data, node!.sign(alg, key, data))).toBe(true);
  });

  it.each(BACKENDS)('%s: tampered data or signature does not verify', (_name, backend) => {
    const sig = backend.sign(alg, key, data);
    for (const [n, verifier] of BACKENDS) {
      expect(verifier.verify(alg, pub, flip(data, 3), sig), n).toBe(false);
      expect(verifier.verify(alg, pub, data, flip(sig, 0)), n).toBe(false);
      expect(verifier.verify(alg, pub, data, flip(sig, sig.length - 1)), n).toBe(false);
    }
  });

  it.each(BACKENDS)('%s: a signature by another key does not verify', (_name, backend) => {
    const other = generateKey(curve, seededRandom(`backend-tests/other/${curve}`));
    expect(backend.verify(alg, pub, data, backend.sign(alg, other, data))).toBe(false);
  });

  it.each(BACKENDS)('%s: wrong-length and garbage signatures give false', (_name, backend) => {
    const length = signatureLength(alg, curve);
    for (const sig of [
      new Uint8Array(0),
      new Uint8Array(length - 1),
      new Uint8Array(length + 1),
      new Uint8Array(length),
      new Uint8Array(length).fill(0xff),
      new Uint8Array(10_000),
    ]) {
      expect(backend.verify(alg, pub, data, sig)).toBe(false);
    }
  });

  it.each(BACKENDS)('%s: random signatures give false and never throw (property)', (_name, backend) => {
    const length = signatureLength(alg, curve);
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: length, maxLength: length })),
        (sig) => backend.verify(alg, pub, data, sig) === false,
      ),
      { numRuns: curve === 'P-521' || curve === 'Ed448' ? 40 : 150 },
    );
  });

  if (alg.kty === 'OKP') {
    it('EdDSA signatures are byte-identical across backends', () => {
      expect(node!.sign(alg, key, data)).toEqual(nobleBackend.sign(alg, key, data));
    });
  } else {
    it('noble ECDSA is deterministic (RFC 6979)', () => {
      expect(nobleBackend.sign(alg, key, data)).toEqual(nobleBackend.sign(alg, key, data));
    });

    it('both backends accept high-S and low-S forms of the same signature', () => {
      const size = signatureLength(alg, curve) / 2;
      const n = ORDERS[curve]!;
      const sig = nobleBackend.sign(alg, key, data);
      const s = toBig(sig.subarray(size));
      const mirrored = concatBytes(sig.subarray(0, size), fromBig(n - s, size));
      expect(s > n / 2n !== n - s > n / 2n).toBe(true); // exactly one of the pair is high-S
      for (const [name, backend] of BACKENDS) {
        expect(backend.verify(alg, pub, data, sig), name).toBe(true);
        expect(backend.verify(alg, pub, data, mirrored), name).toBe(true);
      }
    });
  }
});

describe.each(BACKENDS)('%s: malformed keys give typed errors', (_name, backend) => {
  const ed = keyFor('Ed25519');
  const ec = keyFor('P-256');
  const data = utf8('x');

  it('a key of another type than the algorithm', () => {
    expect(codeOf(() => backend.sign(algorithmById(-7), ed, data))).toBe('ERR_KEY_ALG_MISMATCH');
    expect(codeOf(() => backend.verify(algorithmById(-8), publicKeyOf(ec), data, new Uint8Array(64)))).toBe(
      'ERR_KEY_ALG_MISMATCH',
    );
  });

  it('coordinates or private part of the wrong length', () => {
    const alg = algorithmById(-7);
    expect(
      codeOf(() => backend.verify(alg, { ...publicKeyOf(ec), x: ec.x.subarray(1) }, data, new Uint8Array(64))),
    ).toBe('ERR_KEY_INVALID');
    expect(
      codeOf(() => backend.verify(alg, { type: 'public', curve: 'P-256', x: ec.x }, data, new Uint8Array(64))),
    ).toBe('ERR_KEY_INVALID');
    expect(codeOf(() => backend.sign(alg, { ...ec, d: new Uint8Array(31) }, data))).toBe('ERR_KEY_INVALID');
  });

  it('signing needs a private key', () => {
    const pub = publicKeyOf(ed) as unknown as PrivateKey;
    expect(codeOf(() => backend.sign(algorithmById(-8), pub, data))).toBe('ERR_KEY_PRIVATE_REQUIRED');
  });

  it('an unknown curve', () => {
    const odd = { ...ed, curve: 'X25519' } as unknown as PrivateKey;
    expect(codeOf(() => backend.sign(algorithmById(-8), odd, data))).toBe('ERR_KEY_UNSUPPORTED');
  });
});

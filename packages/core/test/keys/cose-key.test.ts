import { createHash } from 'node:crypto';
import {
  type Curve,
  coseKeyThumbprint,
  encodeCbor,
  encodeCoseKey,
  fromHex,
  generateKey,
  type Key,
  keyFromCoseKey,
  keyFromJwk,
  keyToCoseKey,
  keyToJwk,
  type PrivateKey,
  publicKeyOf,
  seededRandom,
  toHex,
} from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import rfc8037 from './vectors/rfc8037.json';
import rfc9679 from './vectors/rfc9679.json';

const CURVES: Curve[] = ['Ed25519', 'Ed448', 'P-256', 'P-384', 'P-521'];
const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());

describe('RFC 9679 COSE_Key thumbprint', () => {
  const key = keyFromCoseKey(
    new Map<number, Uint8Array | number>([
      [1, 2],
      [-1, 1],
      [-2, fromHex(rfc9679.x)],
      [-3, fromHex(rfc9679.y)],
    ]),
  );

  it('§6: the published example', () => {
    expect(toHex(coseKeyThumbprint(key))).toBe(rfc9679.thumbprint);
    expect(toHex(sha256(fromHex(rfc9679.thumbprintInput)))).toBe(rfc9679.thumbprint); // the vector is consistent
  });

  it('§6: the public COSE_Key without optional parameters encodes to the published thumbprint input', () => {
    expect(toHex(encodeCoseKey(key))).toBe(rfc9679.thumbprintInput);
  });

  it('optional parameters (kid, alg) and the private part do not change it', () => {
    const withExtras = keyFromCoseKey(new Map([...keyToCoseKey(key), [2, new Uint8Array([1, 2, 3])], [3, -7]]));
    expect(coseKeyThumbprint(withExtras)).toEqual(coseKeyThumbprint(key));
  });

  it('OKP: SHA-256 over the hand-assembled CBOR {1: 1, -1: 6, -2: x}', () => {
    const okp = keyFromJwk(rfc8037.publicJwk);
    const x = okp.x;
    const manual = new Uint8Array([0xa3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20, ...x]);
    expect(coseKeyThumbprint(okp)).toEqual(sha256(manual));
  });
});

describe('COSE_Key encoding', () => {
  it('the RFC 8037 Ed25519 private key, by hand: {1: 1, -1: 6, -2: x, -4: d} in deterministic order', () => {
    const priv = keyFromJwk(rfc8037.privateJwk);
    const x = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const d = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const expected = new Uint8Array([0xa4, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20, ...x, 0x23, 0x58, 0x20, ...d]);
    expect(encodeCoseKey(priv, { includePrivate: true })).toEqual(expected);
    expect(keyFromCoseKey(expected)).toEqual(priv);
    expect(encodeCoseKey(priv)).toEqual(new Uint8Array([0xa3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20, ...x]));
  });

  it('kid and alg are carried with their labels', () => {
    const key = { ...keyFromJwk(rfc8037.publicJwk), kid: new Uint8Array([0xde, 0xad]), alg: -19 };
    const map = keyToCoseKey(key);
    expect(map.get(2)).toEqual(new Uint8Array([0xde, 0xad]));
    expect(map.get(3)).toBe(-19);
    expect(keyFromCoseKey(encodeCoseKey(key))).toEqual(key);
  });

  it.each(CURVES.filter((c) => c.startsWith('P-')))(
    '%s: a compressed point (y as the sign bit) is decompressed',
    (curve) => {
      for (let i = 0; i < 6; i++) {
        const key = publicKeyOf(generateKey(curve, seededRandom(`compressed/${curve}/${i}`)));
        const odd = (key.y![key.y!.length - 1]! & 1) === 1;
        const map = new Map([...keyToCoseKey(key)].map(([k, v]) => [k, k === -3 ? odd : v] as const));
        expect(keyFromCoseKey(map)).toEqual(key);
        const wrongSign = new Map([...map].map(([k, v]) => [k, k === -3 ? !odd : v] as const));
        expect(keyFromCoseKey(wrongSign).y).not.toEqual(key.y);
      }
    },
  );
});

describe('COSE_Key ↔ JWK round trips (property)', () => {
  const keys = fc.record({
    curve: fc.constantFrom(...CURVES),
    seed: fc.string({ maxLength: 16 }),
    kid: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
    withAlg: fc.boolean(),
  });
  const build = ({
    curve,
    seed,
    kid,
    withAlg,
  }: {
    curve: Curve;
    seed: string;
    kid?: string;
    withAlg: boolean;
  }): Key => {
    const base = generateKey(curve, seededRandom(`round-trip/${curve}/${seed}`));
    const alg = { Ed25519: -19, Ed448: -8, 'P-256': -7, 'P-384': -35, 'P-521': -36 }[curve];
    return keyFromJwk({
      ...keyToJwk(base, { includePrivate: true }),
      ...(kid !== undefined ? { kid } : {}),
      ...(withAlg
        ? { alg: { [-19]: 'Ed25519', [-8]: 'EdDSA', [-7]: 'ES256', [-35]: 'ES384', [-36]: 'ES512' }[alg] }
        : {}),
    });
  };

  it('private keys survive JWK → key → COSE_Key bytes → key → JWK', () => {
    fc.assert(
      fc.property(keys, (spec) => {
        const key = build(spec);
        const again = keyFromCoseKey(encodeCoseKey(key, { includePrivate: true }));
        expect(again).toEqual(key);
        expect(keyToJwk(again, { includePrivate: true })).toEqual(keyToJwk(key, { includePrivate: true }));
      }),
      { numRuns: 100 },
    );
  });

  it('public exports drop d and keep everything else; thumbprints agree for both halves', () => {
    fc.assert(
      fc.property(keys, (spec) => {
        const key = build(spec);
        const pub = keyFromCoseKey(keyToCoseKey(key));
        expect(pub).toEqual(publicKeyOf(key));
        expect(keyFromJwk(keyToJwk(key))).toEqual(pub);
        expect(coseKeyThumbprint(pub)).toEqual(coseKeyThumbprint(key));
      }),
      { numRuns: 100 },
    );
  });
});

describe('keyFromCoseKey refuses malformed keys with typed errors', () => {
  const ed = keyFromJwk(rfc8037.privateJwk);
  const ec = generateKey('P-256', seededRandom('cose-adversarial/P-256'));
  const edMap = keyToCoseKey(ed, { includePrivate: true }) as Map<unknown, unknown>;
  const ecMap = keyToCoseKey(ec, { includePrivate: true }) as Map<unknown, unknown>;
  const edit = (base: Map<unknown, unknown>, changes: [unknown, unknown][], drop: unknown[] = []) => {
    const out = new Map(base);
    for (const k of drop) out.delete(k);
    for (const [k, v] of changes) out.set(k, v);
    return out;
  };
  const other = generateKey('Ed25519', seededRandom('cose-adversarial/other'));

  const CASES: [string, unknown, string][] = [
    ['a plain object', { 1: 1, [-1]: 6, [-2]: ed.x }, 'ERR_KEY_INVALID'],
    ['an array', [1, 6, ed.x], 'ERR_KEY_INVALID'],
    ['null', null, 'ERR_KEY_INVALID'],
    ['bytes that are not CBOR', new Uint8Array([0xff, 0x00]), 'ERR_KEY_INVALID'],
    ['truncated CBOR', encodeCoseKey(ed).subarray(0, 20), 'ERR_KEY_INVALID'],
    ['CBOR that is not a map', encodeCbor([1, 2]), 'ERR_KEY_INVALID'],
    ['CBOR with trailing bytes', new Uint8Array([...encodeCoseKey(ed), 0x00]), 'ERR_KEY_INVALID'],
    ['bytes over 4 KiB', new Uint8Array(5000), 'ERR_KEY_INVALID'],
    ['kty missing', edit(edMap, [], [1]), 'ERR_KEY_INVALID'],
    ['kty RSA (3)', edit(edMap, [[1, 3]]), 'ERR_KEY_UNSUPPORTED'],
    ['kty Symmetric (4)', edit(edMap, [[1, 4]]), 'ERR_KEY_UNSUPPORTED'],
    ['kty as text', edit(edMap, [[1, 'OKP']]), 'ERR_KEY_UNSUPPORTED'],
    ['kty as bytes', edit(edMap, [[1, new Uint8Array([1])]]), 'ERR_KEY_INVALID'],
    ['crv missing', edit(edMap, [], [-1]), 'ERR_KEY_INVALID'],
    ['OKP crv X25519 (4)', edit(edMap, [[-1, 4]]), 'ERR_KEY_UNSUPPORTED'],
    ['OKP with an EC2 crv', edit(edMap, [[-1, 1]]), 'ERR_KEY_UNSUPPORTED'],
    ['EC2 crv secp256k1 (8)', edit(ecMap, [[-1, 8]]), 'ERR_KEY_UNSUPPORTED'],
    ['crv as text', edit(edMap, [[-1, 'Ed25519']]), 'ERR_KEY_UNSUPPORTED'],
    ['crv a float', edit(edMap, [[-1, 6.5]]), 'ERR_KEY_INVALID'],
    ['x missing', edit(edMap, [], [-2]), 'ERR_KEY_INVALID'],
    ['x as text', edit(edMap, [[-2, 'x']]), 'ERR_KEY_INVALID'],
    ['x too short', edit(edMap, [[-2, ed.x.subarray(1)]], [-4]), 'ERR_KEY_INVALID'],
    ['OKP with y', edit(edMap, [[-3, ed.x]]), 'ERR_KEY_INVALID'],
    ['EC2 without y', edit(ecMap, [], [-3]), 'ERR_KEY_INVALID'],
    ['EC2 y as a number', edit(ecMap, [[-3, 1]]), 'ERR_KEY_INVALID'],
    [
      'EC2 compressed x off the curve',
      edit(
        ecMap,
        [
          [-2, new Uint8Array(32).fill(0xff)],
          [-3, true],
        ],
        [-4],
      ),
      'ERR_KEY_INVALID',
    ],
    ['kid as text', edit(edMap, [[2, 'kid']]), 'ERR_KEY_INVALID'],
    ['kid over 1 KiB', edit(edMap, [[2, new Uint8Array(1025)]]), 'ERR_KEY_INVALID'],
    ['alg RS256 (-257)', edit(edMap, [[3, -257]]), 'ERR_KEY_UNSUPPORTED'],
    ['alg as text', edit(edMap, [[3, 'EdDSA']]), 'ERR_KEY_UNSUPPORTED'],
    ['alg as bytes', edit(edMap, [[3, new Uint8Array([1])]]), 'ERR_KEY_INVALID'],
    ['alg of another key type', edit(edMap, [[3, -7]]), 'ERR_KEY_INVALID'],
    ['a label twice (number and bigint)', edit(edMap, [[1n, 1]]), 'ERR_KEY_INVALID'],
    ['d not matching x', edit(edMap, [[-4, other.d]]), 'ERR_KEY_INVALID'],
    ['d as text', edit(edMap, [[-4, 'd']]), 'ERR_KEY_INVALID'],
    ['key_ops encrypt and decrypt only (3, 4)', edit(edMap, [[4, [3, 4]]]), 'ERR_KEY_UNSUPPORTED'],
    ['key_ops empty', edit(edMap, [[4, []]]), 'ERR_KEY_INVALID'],
    ['key_ops not a list', edit(edMap, [[4, 1]]), 'ERR_KEY_INVALID'],
    ['key_ops with bytes', edit(edMap, [[4, [new Uint8Array([1])]]]), 'ERR_KEY_INVALID'],
  ];

  it.each(CASES)('%s', (_name, input, code) => {
    expect(codeOf(() => keyFromCoseKey(input as Map<never, never>))).toBe(code);
  });

  it('the base maps themselves, and unknown or text labels, are accepted', () => {
    expect(keyFromCoseKey(edMap as Map<never, never>)).toEqual(ed);
    expect(keyFromCoseKey(ecMap as Map<never, never>)).toEqual(ec);
    expect(
      keyFromCoseKey(
        edit(edMap, [
          [4, [1, 2]],
          ['note', 'private use'],
          [-70000, 1],
        ]) as Map<never, never>,
      ),
    ).toEqual(ed);
    expect(keyFromCoseKey(edit(edMap, [[4, [2]]]) as Map<never, never>)).toEqual(ed);
  });
});

describe('keyFromCoseKey on random input (property)', () => {
  const onlyKeyCodes = (input: unknown) => {
    const code = codeOf(() => keyFromCoseKey(input as Uint8Array));
    return code === 'no error' || code.startsWith('ERR_KEY_');
  };
  const ed = keyFromJwk(rfc8037.privateJwk) as PrivateKey;

  it('random maps', () => {
    const label = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.bigInt({ min: -5n, max: 5n }),
      fc.string({ maxLength: 4 }),
    );
    const value = fc.oneof(
      fc.integer({ min: -300, max: 300 }),
      fc.boolean(),
      fc.string({ maxLength: 8 }),
      fc.constant(ed.x),
      fc.constant(ed.d),
      fc.uint8Array({ maxLength: 70 }),
      fc.constantFrom(32, 48, 57, 66).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
      fc.anything(),
    );
    const map = fc
      .array(fc.tuple(label, value), { maxLength: 10 })
      .map((entries) => new Map<unknown, unknown>(entries));
    fc.assert(fc.property(map, onlyKeyCodes), { numRuns: 1000 });
  });

  it('random bytes, and valid encodings with one byte changed', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), onlyKeyCodes), { numRuns: 500 });
    const valid = encodeCoseKey(ed, { includePrivate: true });
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), (i, b) => {
        const bytes = valid.slice();
        bytes[i] = b;
        return onlyKeyCodes(bytes);
      }),
      { numRuns: 500 },
    );
  });
});

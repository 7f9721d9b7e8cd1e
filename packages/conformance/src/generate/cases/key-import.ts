import {
  type CborValue,
  encodeCbor,
  fromHex,
  type Key,
  keyToCoseKey,
  keyToJwk,
  publicKeyOf,
  toBase64Url,
  toHex,
  utf8,
} from '@safety-net/core';
import type { Vector } from '../../format.js';
import { keyFacts } from '../../kinds/key-import.js';
import { invalid, KEYS, vector } from '../common.js';

const { ed25519, ed25519b, ed448, p256, p384, p521 } = KEYS;

/** A public JWK of a fixed key, without its kid unless asked: the vectors name every member they carry. */
function publicJwk(key: Key, withKid = false): Record<string, unknown> {
  const { kid, ...rest } = keyToJwk(publicKeyOf(key)) as unknown as Record<string, unknown>;
  return withKid ? { ...rest, kid } : rest;
}

/** The COSE_Key map of a fixed key's public part, without its kid. */
function publicCose(key: Key): Map<CborValue, CborValue> {
  const map = keyToCoseKey(publicKeyOf(key)) as Map<CborValue, CborValue>;
  map.delete(2);
  return map;
}

const edited = (map: Map<CborValue, CborValue>, entries: [CborValue, CborValue | undefined][]) => {
  const out = new Map(map);
  for (const [k, v] of entries) {
    if (v === undefined) out.delete(k);
    else out.set(k, v);
  }
  return out;
};

/** The base64url text of bytes whose last byte is changed: same length, another value. */
const b64Changed = (bytes: Uint8Array) => {
  const copy = new Uint8Array(bytes);
  copy[copy.length - 1]! ^= 0x01;
  return toBase64Url(copy);
};

/** The canonical text with its last character's unused low bits set: same bytes to a lax decoder, not canonical. */
function nonCanonical(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(text.at(-1)!);
  return text.slice(0, -1) + alphabet[last | 1];
}

/** Ed25519: y = 2^255 − 1, not below p, so the encoding is not canonical (RFC 8032 §5.1.3). */
const ED25519_NON_CANONICAL = `${'ff'.repeat(31)}7f`;
/** Ed25519: the neutral element (y = 1), a point of small order. */
const ED25519_IDENTITY = `01${'00'.repeat(31)}`;
/** The order n of P-256: a scalar one past the largest valid d. */
const P256_N = 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551';
/** An x coordinate with no point on P-256 (x³ − 3x + b is not a square). */
const P256_X_OFF_CURVE = `${'00'.repeat(31)}01`;

const ed25519Jwk = publicJwk(ed25519);
const p256Jwk = publicJwk(p256);

interface Case {
  id: string;
  description: string;
  jwk?: unknown;
  /** The COSE_Key as a CBOR value to encode, or as hex when it is not well-formed. */
  cose?: CborValue | string;
  /** The key the input describes, for a valid case. */
  key?: Key;
  error?: string;
}

const KEY_INVALID = 'ERR_KEY_INVALID';
const KEY_UNSUPPORTED = 'ERR_KEY_UNSUPPORTED';

function jwkCases(): Case[] {
  const longKid = (n: number) => 'é'.repeat(n);
  return [
    {
      id: 'jwk-ed25519',
      description: 'A public Ed25519 JWK (core.md §5.3, RFC 8037).',
      jwk: ed25519Jwk,
      key: publicKeyOf({ ...ed25519, kid: undefined }),
    },
    {
      id: 'jwk-ed448',
      description: 'A public Ed448 JWK with its kid (core.md §5.3).',
      jwk: publicJwk(ed448, true),
      key: publicKeyOf(ed448),
    },
    {
      id: 'jwk-p256',
      description: 'A public P-256 JWK with its kid (core.md §5.3, RFC 7518 §6.2).',
      jwk: publicJwk(p256, true),
      key: publicKeyOf(p256),
    },
    {
      id: 'jwk-p384',
      description: 'A public P-384 JWK (core.md §5.3).',
      jwk: publicJwk(p384),
      key: publicKeyOf({ ...p384, kid: undefined }),
    },
    {
      id: 'jwk-p521-alg',
      description: 'A public P-521 JWK restricted to ES512, which becomes the COSE alg -36 (core.md §5.3).',
      jwk: { ...publicJwk(p521), alg: 'ES512' },
      key: publicKeyOf({ ...p521, kid: undefined, alg: -36 }),
    },
    {
      id: 'jwk-ed25519-private',
      description: 'A private Ed25519 JWK whose d derives x (core.md §5.4).',
      jwk: keyToJwk({ ...ed25519, kid: undefined }, { includePrivate: true }),
      key: { ...ed25519, kid: undefined },
    },
    {
      id: 'jwk-extra-members',
      description:
        'use "sig", key_ops with verify, and members Safety Net does not know are accepted and ignored (core.md §5.4).',
      jwk: { ...ed25519Jwk, use: 'sig', key_ops: ['verify', 'deriveBits'], ext: true, x5t: 'ignored' },
      key: publicKeyOf({ ...ed25519, kid: undefined }),
    },
    {
      id: 'jwk-kid-1024-bytes',
      description: 'A kid of 512 two-byte characters is 1,024 UTF-8 bytes, at the limit (core.md §5.4).',
      jwk: { ...ed25519Jwk, kid: longKid(512) },
      key: publicKeyOf({ ...ed25519, kid: utf8(longKid(512)) }),
    },
    {
      id: 'jwk-kid-too-long',
      description:
        'A kid of 513 two-byte characters is 1,026 UTF-8 bytes: the limit counts bytes, not characters (core.md §5.4).',
      jwk: { ...ed25519Jwk, kid: longKid(513) },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-not-object',
      description: 'A JWK must be a JSON object (core.md §5.4).',
      jwk: [ed25519Jwk],
      error: KEY_INVALID,
    },
    {
      id: 'jwk-kty-missing',
      description: 'A JWK without kty (core.md §5.4).',
      jwk: { crv: 'Ed25519', x: ed25519Jwk.x },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-kty-rsa',
      description: 'kty RSA is not a key type of the tables (core.md §5.3, §5.4).',
      jwk: { ...ed25519Jwk, kty: 'RSA' },
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'jwk-kty-not-text',
      description: 'A kty that is not a string is mistyped (core.md §5.4).',
      jwk: { ...ed25519Jwk, kty: 1 },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-crv-x25519',
      description: 'OKP crv X25519 is a key-agreement curve, not in the tables (core.md §5.4).',
      jwk: { ...ed25519Jwk, crv: 'X25519' },
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'jwk-crv-wrong-kty',
      description: 'crv P-256 with kty OKP: the curve is not one of that key type (core.md §5.3, §5.4).',
      jwk: { ...ed25519Jwk, crv: 'P-256' },
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'jwk-crv-secp256k1',
      description: 'EC crv secp256k1 is not in the tables (core.md §5.4).',
      jwk: { ...p256Jwk, crv: 'secp256k1' },
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'jwk-crv-missing',
      description: 'A JWK without crv (core.md §5.4).',
      jwk: { kty: 'OKP', x: ed25519Jwk.x },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-alg-unsupported',
      description: 'alg RS256 is not an algorithm of the tables (core.md §5.4).',
      jwk: { ...p256Jwk, alg: 'RS256' },
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'jwk-alg-wrong-curve',
      description: 'alg Ed448 cannot be used with an Ed25519 key (core.md §4.3, §5.4).',
      jwk: { ...ed25519Jwk, alg: 'Ed448' },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-alg-not-text',
      description: 'An alg that is not a string is mistyped (core.md §5.4).',
      jwk: { ...p256Jwk, alg: -7 },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-x-missing',
      description: 'A JWK without x (core.md §5.4).',
      jwk: { kty: 'OKP', crv: 'Ed25519' },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-ec-y-missing',
      description: 'An EC JWK without y (core.md §5.4).',
      jwk: { kty: 'EC', crv: 'P-256', x: p256Jwk.x },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-okp-with-y',
      description: 'An OKP JWK that carries y (core.md §5.4).',
      jwk: { ...ed25519Jwk, y: ed25519Jwk.x },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-x-short',
      description: 'An Ed25519 x of 31 bytes, not the curve size of 32 (core.md §5.1, §5.4).',
      jwk: { ...ed25519Jwk, x: toBase64Url(new Uint8Array(31).fill(1)) },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-x-padded',
      description: 'x with base64 padding is not unpadded base64url (core.md §5.3, §5.4).',
      jwk: { ...ed25519Jwk, x: `${ed25519Jwk.x}=` },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-x-non-canonical',
      description:
        'x whose last character has non-zero unused bits is not canonical base64url (core.md §5.4, RFC 4648 §3.5).',
      jwk: { ...ed25519Jwk, x: nonCanonical(ed25519Jwk.x as string) },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-x-base64-alphabet',
      description: 'x in the standard base64 alphabet (+, /) is not base64url (core.md §5.4).',
      jwk: { ...ed25519Jwk, x: `+/${(ed25519Jwk.x as string).slice(2)}` },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-x-not-text',
      description: 'An x that is not a string is mistyped (core.md §5.4).',
      jwk: { ...ed25519Jwk, x: 7 },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-ec-off-curve',
      description: 'An EC point whose y was changed in its last byte is not on P-256 (core.md §5.4).',
      jwk: { ...p256Jwk, y: b64Changed(p256.y!) },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-okp-non-canonical-point',
      description:
        'Ed25519 x encoding y = 2^255 − 1, not below p: it does not decode strictly (core.md §5.4, RFC 8032 §5.1.3).',
      jwk: { ...ed25519Jwk, x: toBase64Url(fromHex(ED25519_NON_CANONICAL)) },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-okp-small-order',
      description: 'Ed25519 x encoding the neutral element, a point of small order (core.md §5.4).',
      jwk: { ...ed25519Jwk, x: toBase64Url(fromHex(ED25519_IDENTITY)) },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-d-mismatch',
      description: 'A private JWK whose d derives another public key (core.md §5.4).',
      jwk: { ...ed25519Jwk, d: toBase64Url(ed25519b.d) },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-d-short',
      description: 'A d of 31 bytes, not the curve size (core.md §5.4).',
      jwk: { ...ed25519Jwk, d: toBase64Url(ed25519.d.slice(1)) },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-ec-d-zero',
      description: 'An EC d of zero is out of range (core.md §5.4).',
      jwk: { ...p256Jwk, d: toBase64Url(new Uint8Array(32)) },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-ec-d-order',
      description: 'An EC d equal to the group order n is out of range [1, n − 1] (core.md §5.4).',
      jwk: { ...p256Jwk, d: toBase64Url(fromHex(P256_N)) },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-use-enc',
      description: 'use "enc": the key was not meant for signatures (core.md §5.4).',
      jwk: { ...ed25519Jwk, use: 'enc' },
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'jwk-use-not-text',
      description: 'A use that is not a string is mistyped (core.md §5.4).',
      jwk: { ...ed25519Jwk, use: 1 },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-key-ops-encrypt',
      description: 'key_ops naming neither sign nor verify (core.md §5.4).',
      jwk: { ...ed25519Jwk, key_ops: ['encrypt', 'wrapKey'] },
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'jwk-key-ops-empty',
      description: 'key_ops must list 1 to 16 operations (core.md §5.4).',
      jwk: { ...ed25519Jwk, key_ops: [] },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-key-ops-too-many',
      description: 'key_ops with 17 entries is more than 16 (core.md §5.4).',
      jwk: { ...ed25519Jwk, key_ops: Array(17).fill('verify') },
      error: KEY_INVALID,
    },
    {
      id: 'jwk-key-ops-not-list',
      description: 'key_ops given as a string, not a list (core.md §5.4).',
      jwk: { ...ed25519Jwk, key_ops: 'verify' },
      error: KEY_INVALID,
    },
  ];
}

function coseCases(): Case[] {
  const ed = publicCose(ed25519);
  const ec = publicCose(p256);
  const binaryKid = Uint8Array.of(0xff, 0x00, 0xfe);
  const compressed = edited(ec, [
    [-3, (p256.y![31]! & 1) === 1],
    [2, binaryKid],
  ]);
  const pad = (n: number) => edited(ed, [['pad', new Uint8Array(n)]]);
  const edSize = encodeCbor(pad(0)).length; // a one-byte head up to 23 bytes of padding
  // Sizes with a two-byte bstr head (24…255 bytes) or three-byte head (256…65535): 4096 bytes in all exactly.
  const padFor = (total: number) => total - edSize - 2;
  const deep = (levels: number): CborValue => (levels === 0 ? 0 : [deep(levels - 1)]);
  return [
    {
      id: 'cose-key-ed25519',
      description: 'A public Ed25519 COSE_Key: kty 1, crv 6, x (core.md §5.2).',
      cose: ed,
      key: publicKeyOf({ ...ed25519, kid: undefined }),
    },
    {
      id: 'cose-key-p256-compressed',
      description:
        'A P-256 COSE_Key whose y is the sign bit (a compressed point) and whose kid is not UTF-8: y is decompressed (core.md §5.2, RFC 9053 §7.1.1).',
      cose: compressed,
      key: publicKeyOf({ ...p256, kid: binaryKid }),
    },
    {
      id: 'cose-key-ed448-private',
      description: 'A private Ed448 COSE_Key with its kid; d derives x (core.md §5.2, §5.4).',
      cose: keyToCoseKey(ed448, { includePrivate: true }),
      key: ed448,
    },
    {
      id: 'cose-key-p384-alg',
      description: 'A P-384 COSE_Key restricted to ES384 (alg -35) (core.md §5.2).',
      cose: edited(publicCose(p384), [[3, -35]]),
      key: publicKeyOf({ ...p384, kid: undefined, alg: -35 }),
    },
    {
      id: 'cose-key-text-labels-ignored',
      description:
        'Parameters with text labels, and key_ops with verify, are accepted; the text-labelled ones are ignored (core.md §5.2, §5.4).',
      cose: edited(ed, [
        ['note', 'ignored'],
        [4, [2]],
      ]),
      key: publicKeyOf({ ...ed25519, kid: undefined }),
    },
    {
      id: 'cose-key-size-at-limit',
      description: 'An encoded COSE_Key of exactly 4,096 bytes is accepted (core.md §5.2).',
      cose: pad(padFor(4096)),
      key: publicKeyOf({ ...ed25519, kid: undefined }),
    },
    {
      id: 'cose-key-too-large',
      description: 'An encoded COSE_Key of 4,097 bytes is refused before it is decoded (core.md §5.2, §5.4).',
      cose: pad(padFor(4097)),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-too-deep',
      description: 'A COSE_Key nesting 9 levels (the map and 8 arrays) exceeds its depth limit of 8 (core.md §5.2).',
      cose: edited(ed, [['deep', deep(8)]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-cbor-error',
      description:
        'A CBOR error inside a COSE_Key (a label given twice) is reported as ERR_KEY_INVALID (core.md §5.2, §5.4).',
      cose: `a4010120060101${toHex(encodeCbor(-2))}${toHex(encodeCbor(ed25519.x))}`,
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-trailing-bytes',
      description: 'Bytes after the COSE_Key map are a CBOR error, reported as ERR_KEY_INVALID (core.md §5.2).',
      cose: `${toHex(encodeCbor(ed))}00`,
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-not-map',
      description: 'A COSE_Key must be a map (core.md §5.2, §5.4).',
      cose: [1, 1, -1, 6, -2, ed25519.x],
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-kty-missing',
      description: 'A COSE_Key without kty (core.md §5.4).',
      cose: edited(ed, [[1, undefined]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-kty-rsa',
      description: 'kty 3 (RSA) is not in the table (core.md §5.4).',
      cose: edited(ed, [[1, 3]]),
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'cose-key-kty-text',
      description: 'kty given as the text "OKP" names no key type of the table (core.md §5.4).',
      cose: edited(ed, [[1, 'OKP']]),
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'cose-key-kty-bytes',
      description: 'kty given as a byte string is mistyped (core.md §5.4).',
      cose: edited(ed, [[1, Uint8Array.of(1)]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-crv-x25519',
      description: 'OKP crv 4 (X25519) is not in the table (core.md §5.4).',
      cose: edited(ed, [[-1, 4]]),
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'cose-key-crv-wrong-kty',
      description: 'crv 1 (P-256) with kty 1 (OKP) (core.md §5.2, §5.4).',
      cose: edited(ed, [[-1, 1]]),
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'cose-key-crv-missing',
      description: 'A COSE_Key without crv (core.md §5.4).',
      cose: edited(ed, [[-1, undefined]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-x-missing',
      description: 'A COSE_Key without x (core.md §5.4).',
      cose: edited(ed, [[-2, undefined]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-x-text',
      description: 'x given as a text string is mistyped (core.md §5.4).',
      cose: edited(ed, [[-2, 'x']]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-x-long',
      description: 'An Ed25519 x of 33 bytes (core.md §5.1, §5.4).',
      cose: edited(ed, [[-2, new Uint8Array(33).fill(1)]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-okp-with-y',
      description: 'An OKP COSE_Key carrying y (core.md §5.4).',
      cose: edited(ed, [[-3, ed25519.x]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-ec2-y-missing',
      description: 'An EC2 COSE_Key without y (core.md §5.4).',
      cose: edited(ec, [[-3, undefined]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-ec2-y-short',
      description: 'A P-256 y of 31 bytes (core.md §5.4).',
      cose: edited(ec, [[-3, p256.y!.slice(1)]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-ec2-off-curve',
      description: 'A P-256 point whose y was changed in its last byte is not on the curve (core.md §5.4).',
      cose: edited(ec, [[-3, fromHex(toHex(p256.y!).slice(0, -2) + (p256.y![31]! ^ 1).toString(16).padStart(2, '0'))]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-compressed-off-curve',
      description: 'A compressed P-256 point whose x has no point on the curve (core.md §5.2, §5.4).',
      cose: edited(ec, [
        [-2, fromHex(P256_X_OFF_CURVE)],
        [-3, false],
      ]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-small-order',
      description: 'Ed25519 x encoding the neutral element, a point of small order (core.md §5.4).',
      cose: edited(ed, [[-2, fromHex(ED25519_IDENTITY)]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-d-mismatch',
      description: 'A d that derives another public key (core.md §5.4).',
      cose: edited(ed, [[-4, ed25519b.d]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-alg-text',
      description: 'alg given as the text "ES256" is not a COSE algorithm of the table (core.md §5.4).',
      cose: edited(ec, [[3, 'ES256']]),
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'cose-key-alg-unknown',
      description: 'alg -999 is not an algorithm of the table (core.md §5.4).',
      cose: edited(ec, [[3, -999]]),
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'cose-key-alg-wrong-curve',
      description:
        'alg -51 (ESP384) is bound to P-384 and cannot be used with a P-256 key; -35 (ES384) could (core.md §4.3, §5.4).',
      cose: edited(ec, [[3, -51]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-kid-too-long',
      description: 'A kid of 1,025 bytes (core.md §5.4).',
      cose: edited(ed, [[2, new Uint8Array(1025)]]),
      error: KEY_INVALID,
    },
    {
      id: 'cose-key-key-ops-encrypt',
      description: 'key_ops [3] (encrypt) names neither sign nor verify (core.md §5.4).',
      cose: edited(ed, [[4, [3]]]),
      error: KEY_UNSUPPORTED,
    },
    {
      id: 'cose-key-key-ops-not-list',
      description: 'key_ops given as an integer, not a list (core.md §5.4).',
      cose: edited(ed, [[4, 2]]),
      error: KEY_INVALID,
    },
  ];
}

/** `key-import` vectors: JWK and COSE_Key validation, every code of core.md §5.4 in both forms. */
export function keyImportVectors(): Vector[] {
  return [...jwkCases(), ...coseCases()].map((c) =>
    vector({
      id: `key-${c.id}`,
      description: c.description,
      kind: 'key-import',
      input:
        c.jwk !== undefined
          ? { jwk: c.jwk }
          : { cose_key_hex: typeof c.cose === 'string' ? c.cose : toHex(encodeCbor(c.cose!)) },
      options: {},
      expected: c.error ? invalid(c.error) : { result: 'valid', ...keyFacts(c.key!) },
    }),
  );
}

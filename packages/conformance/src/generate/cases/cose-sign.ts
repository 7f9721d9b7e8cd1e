import {
  decodeSign,
  decodeSign1,
  nobleBackend,
  type PrivateKey,
  sign1ToBeSigned,
  signSign,
  signSign1,
  signToBeSigned,
  utf8,
} from '@safety-net/core';
import type { HeaderObject, Vector } from '../../format.js';
import { headerParams } from '../../kinds/signed.js';
import { hex, invalid, KEYS, keysOf, nameOf, vector } from '../common.js';

/** The payload of the COSE WG examples. */
const CONTENT = utf8('This is the content.');

const deterministic = (keys: readonly PrivateKey[]) => keys.every((k) => k.curve === 'Ed25519' || k.curve === 'Ed448');

interface Sign1Case {
  id: string;
  description: string;
  key: PrivateKey;
  protected: HeaderObject;
  unprotected: HeaderObject;
  aad?: Uint8Array;
  detached?: boolean;
  tagged?: boolean;
  /** The code a signer must refuse with. */
  error?: string;
}

const SIGN1: Sign1Case[] = [
  {
    id: 'sign1-eddsa-ed25519',
    description:
      'EdDSA (-8) over Ed25519; the signer adds alg to the protected bucket. EdDSA is deterministic, so the bytes are exact (core.md §4.3, §4.4).',
    key: KEYS.ed25519,
    protected: {},
    unprotected: { kid_hex: hex(KEYS.ed25519.kid!) },
  },
  {
    id: 'sign1-eddsa-ed448',
    description: 'EdDSA (-8) over Ed448, with a 114-byte signature (core.md §4.3, RFC 9053 §2.2).',
    key: KEYS.ed448,
    protected: { alg: -8 },
    unprotected: { kid_hex: hex(KEYS.ed448.kid!) },
  },
  {
    id: 'sign1-ed25519-fully-specified',
    description:
      "The fully specified Ed25519 algorithm (-19, RFC 9864), taken from the key's algorithm restriction (core.md §4.3, §4.4 rule 5).",
    key: KEYS.ed25519Fixed,
    protected: { content_type: 'text/plain' },
    unprotected: {},
  },
  {
    id: 'sign1-es256',
    description:
      'ES256 over P-256. ECDSA signatures need not be reproducible: cose_hex is one valid example (RFC 6979) and the runner checks its own signature verifies (core.md §4.3).',
    key: KEYS.p256,
    protected: { alg: -7 },
    unprotected: { kid_hex: hex(KEYS.p256.kid!) },
  },
  {
    id: 'sign1-es384',
    description: 'ES384 over P-384, a 96-byte r || s signature (core.md §4.3).',
    key: KEYS.p384,
    protected: { alg: -35 },
    unprotected: { kid_hex: hex(KEYS.p384.kid!) },
  },
  {
    id: 'sign1-es512',
    description: 'ES512 over P-521, a 132-byte r || s signature with 66-byte halves (core.md §4.3).',
    key: KEYS.p521,
    protected: { alg: -36 },
    unprotected: { kid_hex: hex(KEYS.p521.kid!) },
  },
  {
    id: 'sign1-ed448-fully-specified',
    description:
      'The fully specified Ed448 algorithm (-53, RFC 9864): deterministic, a 114-byte signature (core.md §4.3).',
    key: KEYS.ed448,
    protected: { alg: -53 },
    unprotected: { kid_hex: hex(KEYS.ed448.kid!) },
  },
  {
    id: 'sign1-esp256',
    description: 'ESP256 (-9, RFC 9864): ECDSA with SHA-256 bound to P-256, a 64-byte r || s signature (core.md §4.3).',
    key: KEYS.p256,
    protected: { alg: -9 },
    unprotected: { kid_hex: hex(KEYS.p256.kid!) },
  },
  {
    id: 'sign1-esp384',
    description: 'ESP384 (-51, RFC 9864): ECDSA with SHA-384 bound to P-384, a 96-byte signature (core.md §4.3).',
    key: KEYS.p384,
    protected: { alg: -51 },
    unprotected: { kid_hex: hex(KEYS.p384.kid!) },
  },
  {
    id: 'sign1-esp512',
    description: 'ESP512 (-52, RFC 9864): ECDSA with SHA-512 bound to P-521, a 132-byte signature (core.md §4.3).',
    key: KEYS.p521,
    protected: { alg: -52 },
    unprotected: { kid_hex: hex(KEYS.p521.kid!) },
  },
  {
    id: 'sign1-detached-payload',
    description:
      'A detached payload: the message carries nil, the signature still covers the payload (core.md §4.4 rule 4, §4.7).',
    key: KEYS.ed25519,
    protected: { alg: -8 },
    unprotected: {},
    detached: true,
  },
  {
    id: 'sign1-external-aad',
    description: 'External AAD is bound into the Sig_structure but not carried (core.md §4.7, RFC 9052 §4.3).',
    key: KEYS.ed25519,
    protected: { alg: -8 },
    unprotected: {},
    aad: utf8('request-id:7f3e'),
  },
  {
    id: 'sign1-untagged',
    description: 'The untagged form, which an application may ask for (core.md §4.4 rule 3).',
    key: KEYS.ed25519,
    protected: { alg: -8, typ: 'application/example' },
    unprotected: {},
    tagged: false,
  },
  {
    id: 'sign1-key-alg-mismatch',
    description:
      'A signer asked for ES256 with an Ed25519 key refuses: the key does not fit the algorithm (core.md §4.4 rule 5, §5.5).',
    key: KEYS.ed25519,
    protected: { alg: -7 },
    unprotected: {},
    error: 'ERR_KEY_ALG_MISMATCH',
  },
  {
    id: 'sign1-esp256-p384-key',
    description:
      'A signer asked for ESP256 with a P-384 key refuses: ESP256 is bound to P-256 even outside message types (core.md §4.3, §5.5).',
    key: KEYS.p384,
    protected: { alg: -9 },
    unprotected: {},
    error: 'ERR_KEY_ALG_MISMATCH',
  },
  {
    id: 'sign1-ed25519-alg-ed448-key',
    description: 'A signer asked for Ed25519 (-19) with an Ed448 key refuses (core.md §4.3, §5.5).',
    key: KEYS.ed448,
    protected: { alg: -19 },
    unprotected: {},
    error: 'ERR_KEY_ALG_MISMATCH',
  },
];

function sign1Vector(c: Sign1Case): Vector {
  if (c.error) {
    return vector({
      id: c.id,
      description: c.description,
      kind: 'cose-sign1-sign',
      keys: keysOf([c.key], 'private'),
      input: { payload_hex: hex(CONTENT), protected: c.protected, unprotected: c.unprotected },
      options: { signer: nameOf(c.key) },
      expected: invalid(c.error),
    });
  }
  const bytes = signSign1(CONTENT, c.key, {
    protectedHeader: headerParams(c.protected),
    unprotectedHeader: headerParams(c.unprotected),
    externalAad: c.aad,
    detached: c.detached,
    tagged: c.tagged,
    profile: false,
    backend: nobleBackend,
  });
  const tbs = sign1ToBeSigned(decodeSign1(bytes).protectedBytes, CONTENT, c.aad);
  return vector({
    id: c.id,
    description: c.description,
    kind: 'cose-sign1-sign',
    keys: keysOf([c.key], 'private'),
    input: {
      payload_hex: hex(CONTENT),
      protected: c.protected,
      unprotected: c.unprotected,
      ...(c.aad ? { external_aad_hex: hex(c.aad) } : {}),
      ...(c.detached ? { detached: true } : {}),
      ...(c.tagged === false ? { tagged: false } : {}),
    },
    options: { signer: nameOf(c.key) },
    expected: {
      result: 'valid',
      to_be_signed_hex: hex(tbs),
      cose_hex: hex(bytes),
      deterministic: deterministic([c.key]),
    },
  });
}

function signVector(id: string, description: string, keys: readonly PrivateKey[]): Vector {
  const body = { protected: { content_type: 'text/plain' }, unprotected: {} } satisfies Record<string, HeaderObject>;
  const signatures = keys.map((k) => ({ protected: {}, unprotected: { kid_hex: hex(k.kid!) } }));
  const bytes = signSign(
    CONTENT,
    keys.map((key, i) => ({
      key,
      protectedHeader: headerParams(signatures[i]!.protected),
      unprotectedHeader: headerParams(signatures[i]!.unprotected),
    })),
    { protectedHeader: headerParams(body.protected), profile: false, backend: nobleBackend },
  );
  const decoded = decodeSign(bytes);
  const tbs = decoded.signatures.map((s) => hex(signToBeSigned(decoded.protectedBytes, s.protectedBytes, CONTENT)));
  return vector({
    id,
    description,
    kind: 'cose-sign-sign',
    keys: keysOf(keys, 'private'),
    input: { payload_hex: hex(CONTENT), ...body, signatures },
    options: { signers: keys.map(nameOf) },
    expected: { result: 'valid', to_be_signed_hex: tbs, cose_hex: hex(bytes), deterministic: deterministic(keys) },
  });
}

/** Signing vectors: COSE_Sign1 with every algorithm and option, COSE_Sign with two signers. */
export function coseSignVectors(): Vector[] {
  return [
    ...SIGN1.map(sign1Vector),
    signVector(
      'sign-two-signers-eddsa',
      'A COSE_Sign with two EdDSA signers (Ed25519, Ed448): one Sig_structure per signer with its own protected bucket; exact bytes (core.md §4.4, §4.6).',
      [KEYS.ed25519, KEYS.ed448],
    ),
    signVector(
      'sign-two-signers-mixed',
      'A COSE_Sign with an ES256 and an Ed25519 signer; the ECDSA signature makes the output an example (core.md §4.6).',
      [KEYS.p256, KEYS.ed25519],
    ),
  ];
}

import { decodeSign1, ect, nobleBackend, type PrivateKey } from '@safety-net/core';
import type { Vector } from '../../format.js';
import { ectClaims, hex, invalid, KEYS, keysOf, nameOf, vector } from '../common.js';

interface Case {
  id: string;
  description: string;
  key: PrivateKey;
  claims: Record<string, unknown>;
  kid?: 'thumbprint';
  error?: string;
}

const CASES: Case[] = [
  {
    id: 'ect-sign-eddsa',
    description:
      'ECT claims signed with EdDSA: registered claims on their CWT labels, jti as cti bytes, the rest under their names; exact bytes (core.md §6.3, §6.4, ect.md §4).',
    key: KEYS.ed25519,
    claims: ectClaims(),
  },
  {
    id: 'ect-sign-ed25519-fully-specified',
    description: 'A key restricted to Ed25519 (-19) signs with that algorithm (core.md §4.4 rule 5).',
    key: KEYS.ed25519Fixed,
    claims: ectClaims({ pred: ['3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8'] }),
  },
  {
    id: 'ect-sign-es256',
    description: 'ECT claims signed with ES256; the payload is exact, the signature an example (core.md §6.4).',
    key: KEYS.p256,
    claims: ectClaims({ ect_ext: { pol_decision: 'approved', 'example.org/priority': 2 } }),
  },
  {
    id: 'ect-sign-kid-thumbprint',
    description: 'kid set to the RFC 9679 thumbprint of the signing key (core.md §5.6, §6.4).',
    key: KEYS.ed25519b,
    claims: ectClaims(),
    kid: 'thumbprint',
  },
  {
    id: 'ect-sign-invalid-claims',
    description: 'An empty exec_act fails the ECT schema: nothing invalid is ever signed (core.md §6.4, ect.md §2.1).',
    key: KEYS.ed25519,
    claims: ectClaims({ exec_act: '' }),
    error: 'ERR_CLAIMS_INVALID',
  },
  {
    id: 'ect-sign-unknown-claim',
    description: 'A claim the ECT does not define (par, the -00 name of pred) is refused at signing (core.md §6.4).',
    key: KEYS.ed25519,
    claims: { ...ectClaims(), par: [] },
    error: 'ERR_CLAIMS_INVALID',
  },
];

function toVector(c: Case): Vector {
  const expected = () => {
    const bytes = ect.sign(c.claims as never, c.key, { backend: nobleBackend, kid: c.kid });
    const deterministic = c.key.curve === 'Ed25519' || c.key.curve === 'Ed448';
    return { result: 'valid', payload_hex: hex(decodeSign1(bytes).payload!), cose_hex: hex(bytes), deterministic };
  };
  return vector({
    id: c.id,
    description: c.description,
    kind: 'message-sign',
    keys: keysOf([c.key], 'private'),
    input: { type: 'ect', claims: c.claims },
    options: { signer: nameOf(c.key), ...(c.kid ? { kid: c.kid } : {}) },
    expected: c.error ? invalid(c.error) : expected(),
  });
}

/** `message-sign` vectors for the ECT. */
export function ectSignVectors(): Vector[] {
  return CASES.map(toVector);
}

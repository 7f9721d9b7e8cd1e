import { ECT_JWT_TYP, ECT_LEGACY_JWT_TYP, type EctClaims, type PrivateKey, toBase64Url, utf8 } from '@safety-net/core';
import type { Vector } from '../../format.js';
import { AUDIENCE, ectClaims, hex, invalid, KEYS, keysOf, NOW, nameOf, vector } from '../common.js';
import { rawJws, rawJwsText } from '../raw.js';

const { ed25519, p256 } = KEYS;

const header = (typ: string | null, key: PrivateKey, alg: string) => ({
  alg,
  ...(typ !== null ? { typ } : {}),
  kid: nameOf(key),
});

/** An ECT as a compact JWS: header (`typ` null: none), claims, signature (by hand, so that vectors reproduce). */
const jws = (claims: EctClaims, typ: string | null = ECT_JWT_TYP, key: PrivateKey = ed25519, alg = 'EdDSA') =>
  rawJws(header(typ, key, alg), claims, key, alg);

/** An ECT whose claims text spells `iat` (or `exp`) as given, e.g. `1772323200.0`: JSON numbers by their value. */
const spelled = (claim: 'iat' | 'exp', text: string) => {
  const claims = ectClaims();
  const json = JSON.stringify(claims).replace(`"${claim}":${claims[claim]}`, `"${claim}":${text}`);
  return rawJwsText(header(ECT_JWT_TYP, ed25519, 'EdDSA'), json, ed25519, 'EdDSA');
};

function flipLastChar(token: string): string {
  const last = token.at(-1)!;
  return token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}

interface Case {
  id: string;
  description: string;
  token: string;
  keys?: PrivateKey[];
  keySet?: boolean;
  /** The typ, alg and signer of a valid outcome, or the code of the refusal. */
  valid?: { typ: string; alg: number; key: PrivateKey };
  error?: string;
}

function cases(): Case[] {
  const none = `${toBase64Url(utf8(JSON.stringify({ alg: 'none', typ: ECT_JWT_TYP })))}.${toBase64Url(utf8(JSON.stringify(ectClaims())))}.`;
  return [
    {
      id: 'ect-jws-valid',
      description: 'A valid ECT in JWT form with typ exec+jwt, EdDSA (ect.md §3, core.md §6.9).',
      token: jws(ectClaims()),
      valid: { typ: ECT_JWT_TYP, alg: -8, key: ed25519 },
    },
    {
      id: 'ect-jws-valid-es256-key-set',
      description: 'A valid ES256 ECT in JWT form, its key found by the kid text (core.md §5.7, §6.9).',
      token: jws(ectClaims(), ECT_JWT_TYP, p256, 'ES256'),
      keys: [p256, ed25519],
      keySet: true,
      valid: { typ: ECT_JWT_TYP, alg: -7, key: p256 },
    },
    {
      id: 'ect-jws-legacy-typ',
      description: 'typ wimse-exec+jwt, the value of earlier drafts, is still accepted (ect.md §6).',
      token: jws(ectClaims(), ECT_LEGACY_JWT_TYP),
      valid: { typ: ECT_LEGACY_JWT_TYP, alg: -8, key: ed25519 },
    },
    {
      id: 'ect-jws-bad-typ',
      description: 'typ JWT is not an ECT typ (core.md §6.9 step 5).',
      token: jws(ectClaims(), 'JWT'),
      error: 'ERR_JOSE_TYP_MISMATCH',
    },
    {
      id: 'ect-jws-typ-upper-case',
      description:
        'typ EXEC+JWT: a media type compares case-insensitively (RFC 7515 §4.1.9); the result gives typ as received (core.md §6.9, §6.10).',
      token: jws(ectClaims(), 'EXEC+JWT'),
      valid: { typ: 'EXEC+JWT', alg: -8, key: ed25519 },
    },
    {
      id: 'ect-jws-typ-application-prefix',
      description:
        'typ application/exec+jwt: the application/ prefix may be written out (RFC 7515 §4.1.9); typ is returned as received (core.md §6.9, §6.10).',
      token: jws(ectClaims(), 'Application/Exec+JWT'),
      valid: { typ: 'Application/Exec+JWT', alg: -8, key: ed25519 },
    },
    {
      id: 'ect-jws-typ-other-top-level',
      description:
        'typ text/exec+jwt: only application/ may be left out, so this is another media type (core.md §6.9 step 5).',
      token: jws(ectClaims(), 'text/exec+jwt'),
      error: 'ERR_JOSE_TYP_MISMATCH',
    },
    {
      id: 'ect-jws-typ-not-text',
      description: 'typ given as a number names no media type (core.md §6.9 step 5).',
      token: rawJws({ ...header(ECT_JWT_TYP, ed25519, 'EdDSA'), typ: 7 }, ectClaims(), ed25519, 'EdDSA'),
      error: 'ERR_JOSE_TYP_MISMATCH',
    },
    {
      id: 'ect-jws-iat-decimal-point',
      description:
        'iat written 1772323200.0: a JSON number is judged by its value as a binary64 double, which is the integer (core.md §6.3).',
      token: spelled('iat', `${NOW}.0`),
      valid: { typ: ECT_JWT_TYP, alg: -8, key: ed25519 },
    },
    {
      id: 'ect-jws-iat-exponent',
      description: 'iat written 1.7723232e9, the same value in exponent notation (core.md §6.3).',
      token: spelled('iat', '1.7723232e9'),
      valid: { typ: ECT_JWT_TYP, alg: -8, key: ed25519 },
    },
    {
      id: 'ect-jws-iat-below-precision',
      description:
        'iat written 1772323200.0000001: the nearest binary64 double is the integer 1772323200, so it is accepted (core.md §6.3).',
      token: spelled('iat', `${NOW}.0000001`),
      valid: { typ: ECT_JWT_TYP, alg: -8, key: ed25519 },
    },
    {
      id: 'ect-jws-iat-fraction',
      description: 'iat 1772323200.5 is not a whole number of seconds (core.md §6.3).',
      token: spelled('iat', `${NOW}.5`),
      error: 'ERR_CLAIMS_INVALID',
    },
    {
      id: 'ect-jws-exp-out-of-range',
      description: 'exp 1e400 exceeds the binary64 range; it is no integer time (core.md §6.3).',
      token: spelled('exp', '1e400'),
      error: 'ERR_CLAIMS_INVALID',
    },
    {
      id: 'ect-jws-typ-missing',
      description: 'A JWS without typ is not an ECT (core.md §6.9 step 5).',
      token: jws(ectClaims(), null),
      error: 'ERR_JOSE_TYP_MISMATCH',
    },
    {
      id: 'ect-jws-alg-none',
      description: 'alg none with an empty signature is refused before any key is used (core.md §6.9 step 3).',
      token: none,
      error: 'ERR_JOSE_ALG_UNSUPPORTED',
    },
    {
      id: 'ect-jws-crit',
      description: 'A crit header: Safety Net understands no JWS extension parameters (core.md §6.9 step 4).',
      token: rawJws(
        { ...header(ECT_JWT_TYP, ed25519, 'EdDSA'), crit: ['exp'], exp: NOW + 300 },
        ectClaims(),
        ed25519,
        'EdDSA',
      ),
      error: 'ERR_JOSE_MALFORMED',
    },
    {
      id: 'ect-jws-kid-not-text',
      description: 'A kid that is a number, not text (core.md §6.9 step 4).',
      token: rawJws({ ...header(ECT_JWT_TYP, ed25519, 'EdDSA'), kid: 7 }, ectClaims(), ed25519, 'EdDSA'),
      error: 'ERR_JOSE_MALFORMED',
    },
    {
      id: 'ect-jws-key-alg-mismatch',
      description:
        "The header says ES256; the verifier's key is Ed25519, which cannot be used with it (core.md §5.5, §6.9 step 6).",
      token: rawJws(header(ECT_JWT_TYP, ed25519, 'ES256'), ectClaims(), ed25519, 'EdDSA'),
      error: 'ERR_KEY_ALG_MISMATCH',
    },
    {
      id: 'ect-jws-bad-signature',
      description: 'The last character of the signature is changed (core.md §6.9 step 7).',
      token: flipLastChar(jws(ectClaims())),
      error: 'ERR_JOSE_BAD_SIGNATURE',
    },
    {
      id: 'ect-jws-expired',
      description: 'The JWT form follows the same time rules: exp 31 s before now (core.md §6.6, §6.9).',
      token: jws(ectClaims({ iat: NOW - 331, exp: NOW - 31 })),
      error: 'ERR_CLAIMS_EXPIRED',
    },
  ];
}

function toVector(c: Case): Vector {
  const keys = c.keys ?? [ed25519];
  return vector({
    id: c.id,
    description: c.description,
    kind: 'message-verify',
    keys: keysOf(keys, 'public'),
    input: { type: 'ect', jws: c.token },
    options: { ...(c.keySet ? { key_set: keys.map(nameOf) } : { key: nameOf(keys[0]!) }), audience: AUDIENCE },
    expected: c.error
      ? invalid(c.error)
      : {
          result: 'valid',
          format: 'jws',
          typ: c.valid!.typ,
          alg: c.valid!.alg,
          kid_hex: hex(c.valid!.key.kid!),
          claims: ectClaims(),
        },
  });
}

/** `message-verify` vectors for the ECT in JWT form. */
export function ectJwsVectors(): Vector[] {
  return cases().map(toVector);
}

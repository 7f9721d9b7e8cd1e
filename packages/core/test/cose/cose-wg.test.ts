import { readdirSync } from 'node:fs';
import {
  backendByName,
  decodeSign,
  decodeSign1,
  type ErrorCode,
  fromHex,
  type HeaderParams,
  isSafetyNetError,
  keyFromJwk,
  type PrivateKey,
  publicKeyOf,
  sign1ToBeSigned,
  signSign,
  signSign1,
  signToBeSigned,
  toBase64Url,
  toHex,
  utf8,
  verifySign,
  verifySign1,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { readSharedJson, sharedPath, sharedTitle } from '../../../../test-support/shared.js';

// The COSE working group's examples (cose-wg/Examples): every pass vector verifies under both backends, our
// Sig_structure equals their ToBeSign intermediate, EdDSA vectors are reproduced byte for byte by our signer, and
// every fail vector is refused with the code named below.

interface VectorKey {
  kty: string;
  kid?: string;
  crv: string;
  x?: string;
  y?: string;
  d?: string;
  x_hex?: string;
  d_hex?: string;
}
interface SignerInput {
  key: VectorKey;
  protected?: Record<string, unknown>;
  unprotected?: Record<string, unknown>;
  external?: string;
}
interface Vector {
  title: string;
  fail?: boolean;
  input: {
    plaintext: string;
    sign0?: SignerInput;
    sign?: { protected?: Record<string, unknown>; signers: SignerInput[] };
  };
  intermediates: { ToBeSign_hex?: string; signers?: { ToBeSign_hex: string }[] };
  output: { cbor: string };
}

const FAIL_CODES: Record<string, ErrorCode> = {
  'sign-fail-01': 'ERR_COSE_WRONG_TAG',
  'sign-fail-02': 'ERR_COSE_BAD_SIGNATURE',
  'sign-fail-03': 'ERR_COSE_ALG_UNSUPPORTED',
  'sign-fail-04': 'ERR_COSE_ALG_UNSUPPORTED',
  'sign-fail-06': 'ERR_COSE_BAD_SIGNATURE',
  'sign-fail-07': 'ERR_COSE_BAD_SIGNATURE',
};

const ALG_IDS: Record<string, number> = { ES256: -7, ES384: -35, ES512: -36, EdDSA: -8 };

function vectorKey(k: VectorKey): PrivateKey {
  const jwk = {
    kty: k.kty,
    crv: k.crv,
    x: k.x ?? toBase64Url(fromHex(k.x_hex!)),
    ...(k.y ? { y: k.y } : {}),
    d: k.d ?? toBase64Url(fromHex(k.d_hex!)),
    ...(k.kid ? { kid: k.kid } : {}),
  };
  return keyFromJwk(jwk) as PrivateKey;
}

function headerParams(h: Record<string, unknown> | undefined): HeaderParams {
  const out: HeaderParams = {};
  if (!h) return out;
  if (typeof h.alg === 'string') out.alg = ALG_IDS[h.alg];
  if (typeof h.kid === 'string') out.kid = utf8(h.kid);
  if (typeof h.ctyp === 'number') out.contentType = h.ctyp;
  return out;
}

const dir = sharedPath('external-vectors/cose-wg');
const files = dir
  ? ['sign1-tests', 'sign-tests', 'eddsa-examples', 'ecdsa-examples'].flatMap((sub) =>
      readdirSync(`${dir}/${sub}`).map((f) => `${sub}/${f}`),
    )
  : [];

describe.skipIf(!dir)(sharedTitle('COSE WG examples', 'external-vectors/cose-wg'), () => {
  it('has the vectors', () => expect(files.length).toBeGreaterThanOrEqual(25));

  for (const backendName of ['noble', 'node'] as const) {
    const backend = backendByName(backendName);
    for (const file of files) {
      const v = readSharedJson<Vector>(`external-vectors/cose-wg/${file}`);
      const bytes = fromHex(v.output.cbor);
      const aadOf = (s: SignerInput) => (s.external ? fromHex(s.external) : undefined);

      it(`${backendName}: ${file} — ${v.title}`, () => {
        const id = v.title.split(':')[0]!;
        if (v.input.sign0) {
          const s = v.input.sign0;
          const key = vectorKey(s.key);
          const verify = () => verifySign1(bytes, { key: publicKeyOf(key), externalAad: aadOf(s), backend });
          if (v.fail) return expectCode(verify, FAIL_CODES[id]!);
          const verified = verify();
          expect(new TextDecoder().decode(verified.payload)).toBe(v.input.plaintext);
          const tbs = sign1ToBeSigned(decodeSign1(bytes).protectedBytes, utf8(v.input.plaintext), aadOf(s));
          expect(toHex(tbs)).toBe(v.intermediates.ToBeSign_hex!.toLowerCase());
          if (key.curve === 'Ed25519') {
            const ours = signSign1(utf8(v.input.plaintext), key, {
              protectedHeader: headerParams(s.protected),
              unprotectedHeader: headerParams(s.unprotected),
              backend,
            });
            expect(toHex(ours)).toBe(v.output.cbor.toLowerCase());
          }
          return;
        }
        const sign = v.input.sign!;
        const signer = sign.signers[0]!;
        const key = vectorKey(signer.key);
        const verify = () => verifySign(bytes, { key: publicKeyOf(key), externalAad: aadOf(signer), backend });
        if (v.fail) return expectCode(verify, FAIL_CODES[id]!);
        const verified = verify();
        expect(verified.outcomes.every((o) => o.valid)).toBe(true);
        const decoded = decodeSign(bytes);
        const tbs = signToBeSigned(
          decoded.protectedBytes,
          decoded.signatures[0]!.protectedBytes,
          utf8(v.input.plaintext),
          aadOf(signer),
        );
        expect(toHex(tbs)).toBe(v.intermediates.signers![0]!.ToBeSign_hex.toLowerCase());
        if (key.curve === 'Ed25519') {
          const ours = signSign(
            utf8(v.input.plaintext),
            [
              {
                key,
                protectedHeader: headerParams(signer.protected),
                unprotectedHeader: headerParams(signer.unprotected),
              },
            ],
            { protectedHeader: headerParams(sign.protected), backend },
          );
          expect(toHex(ours)).toBe(v.output.cbor.toLowerCase());
        }
      });
    }
  }
});

function expectCode(run: () => unknown, code: ErrorCode): void {
  expect(code).toBeDefined();
  try {
    run();
  } catch (e) {
    expect(isSafetyNetError(e) ? e.code : e).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, but it verified`);
}

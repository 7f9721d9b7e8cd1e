import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { describe, expect, it } from 'vitest';

// The generated vectors checked without Safety Net's code: cbor-x decodes the messages and encodes the
// Sig_structures (RFC 9052 §4.4), node:crypto checks the signatures, and the ECT claim mapping is rebuilt from
// ect.md §4 by hand. A generator that emitted a wrong signature, Sig_structure or label would fail here.

const dir = fileURLToPath(new URL('../../../spec-vectors/core/', import.meta.url));
// biome-ignore lint/suspicious/noExplicitAny: vectors are free-form JSON here, read field by field.
type Json = any;
const vectors: Json[] = readdirSync(dir).map((f) => JSON.parse(readFileSync(dir + f, 'utf8')));
const byKind = (kind: string, result = 'valid') =>
  vectors.filter((v) => v.kind === kind && v.expected.result === result);

const cbor = new Decoder({ mapsAsObjects: false, useRecords: false });
const encoder = new Encoder({ tagUint8Array: false, useRecords: false, mapsAsObjects: false, variableMapSize: true });
const bytes = (hex: string) => Buffer.from(hex, 'hex');
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

const HASH: Record<number, string | null> = {
  [-8]: null,
  [-19]: null,
  [-7]: 'sha256',
  [-35]: 'sha384',
  [-36]: 'sha512',
  // RFC 9864 fully specified identifiers: the same signatures, bound to one curve.
  [-53]: null,
  [-9]: 'sha256',
  [-51]: 'sha384',
  [-52]: 'sha512',
};
const JOSE: Record<string, number> = { EdDSA: -8, ES256: -7, ES384: -35, ES512: -36 };

/** node:crypto's verdict on a signature, with the key given as a JWK (public part only). */
function nodeVerifies(jwk: Json, alg: number, data: Uint8Array, signature: Uint8Array): boolean {
  const { d: _d, alg: _a, kid: _k, ...pub } = jwk;
  const key = createPublicKey({ key: pub, format: 'jwk' });
  return nodeVerify(HASH[alg] as string, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
}

function untag(value: unknown, tag: number): unknown[] {
  expect(value).toBeInstanceOf(Tag);
  expect((value as Tag).tag).toBe(tag);
  return (value as Tag).value as unknown[];
}

/** The alg of a layer: from the protected bucket (empty: none), else from the unprotected one. */
function algOf(protectedBytes: Uint8Array, unprotected?: Map<number, unknown>): number {
  const prot = protectedBytes.length === 0 ? new Map() : (cbor.decode(protectedBytes) as Map<number, unknown>);
  return (prot.get(1) ?? unprotected?.get(1)) as number;
}

/** The Sig_structure of a COSE_Sign1 (RFC 9052 §4.4), encoded by cbor-x. */
const tbs1 = (prot: Uint8Array, aad: Uint8Array, payload: Uint8Array) =>
  encoder.encode(['Signature1', Buffer.from(prot), Buffer.from(aad), Buffer.from(payload)]);

/** Checks a COSE_Sign1 hex against the keys: returns the names of the keys under which node:crypto verifies it. */
function sign1Signers(coseHex: string, keys: Record<string, Json>, aadHex = '', detachedHex?: string): string[] {
  const value = cbor.decode(bytes(coseHex));
  const [prot, unprotected, carried, signature] = (value instanceof Tag ? value.value : value) as [
    Uint8Array,
    Map<number, unknown>,
    Uint8Array | null,
    Uint8Array,
  ];
  const data = tbs1(prot, bytes(aadHex), carried ?? bytes(detachedHex!));
  const alg = algOf(prot, unprotected);
  return Object.entries(keys).flatMap(([name, jwk]) => {
    try {
      return nodeVerifies(jwk, alg, data, signature) ? [name] : [];
    } catch {
      return []; // a key of another type
    }
  });
}

describe('signing vectors, checked independently', () => {
  it('cose-sign1-sign: the Sig_structure is RFC 9052 and node:crypto verifies cose_hex', () => {
    const list = byKind('cose-sign1-sign');
    expect(list.length).toBeGreaterThanOrEqual(9);
    for (const v of list) {
      const body = (
        v.input.tagged === false
          ? cbor.decode(bytes(v.expected.cose_hex))
          : untag(cbor.decode(bytes(v.expected.cose_hex)), 18)
      ) as Uint8Array[];
      expect(body[2] === null ? v.input.detached : hexOf(body[2]!) === v.input.payload_hex, v.id).toBe(true);
      const data = tbs1(body[0]!, bytes(v.input.external_aad_hex ?? ''), bytes(v.input.payload_hex));
      expect(hexOf(data), v.id).toBe(v.expected.to_be_signed_hex);
      expect(nodeVerifies(v.keys[v.options.signer], algOf(body[0]!), data, body[3]!), v.id).toBe(true);
    }
  });

  it('cose-sign-sign: one Sig_structure per signer, each verified by node:crypto', () => {
    for (const v of byKind('cose-sign-sign')) {
      const [bodyProt, , payload, signatures] = untag(cbor.decode(bytes(v.expected.cose_hex)), 98) as [
        Uint8Array,
        unknown,
        Uint8Array,
        Uint8Array[][],
      ];
      expect(hexOf(payload)).toBe(v.input.payload_hex);
      signatures.forEach(([signProt, , signature], i) => {
        const data = encoder.encode([
          'Signature',
          Buffer.from(bodyProt),
          Buffer.from(signProt!),
          Buffer.alloc(0),
          Buffer.from(payload),
        ]);
        expect(hexOf(data)).toBe(v.expected.to_be_signed_hex[i]);
        expect(nodeVerifies(v.keys[v.options.signers[i]], algOf(signProt!), data, signature!), `${v.id} #${i}`).toBe(
          true,
        );
      });
    }
  });

  it('message-sign: the ECT claims map follows ect.md §4 (CWT labels, cti bytes, digests as bytes) in RFC 8949 order', () => {
    for (const v of byKind('message-sign')) {
      const c = v.input.claims;
      const body = untag(cbor.decode(bytes(v.expected.cose_hex)), 18) as Uint8Array[];
      expect(hexOf(body[2]!)).toBe(v.expected.payload_hex);
      expect(
        nodeVerifies(v.keys[v.options.signer], algOf(body[0]!), tbs1(body[0]!, Buffer.alloc(0), body[2]!), body[3]!),
        v.id,
      ).toBe(true);
      const expected = new Map<unknown, unknown>([
        [1, c.iss],
        [3, c.aud],
        [4, c.exp],
        ...(c.nbf !== undefined ? [[5, c.nbf] as const] : []),
        [6, c.iat],
        [7, Buffer.from(c.jti, 'utf8')],
        ['wid', c.wid],
        ['pred', c.pred],
        ['exec_act', c.exec_act],
        ['inp_hash', Buffer.from(c.inp_hash, 'base64url')],
        ...(c.ect_ext ? [['ect_ext', new Map(Object.entries(c.ect_ext))] as const] : []),
      ]);
      const payload = cbor.decode(body[2]!) as Map<unknown, unknown>;
      expect(new Map([...payload].sort())).toEqual(new Map([...expected].sort()));
      // Deterministic order: keys sorted by their encodings, bytewise (RFC 8949 §4.2.1).
      const encodedKeys = [...payload.keys()].map((k) => hexOf(encoder.encode(k)));
      expect(encodedKeys).toEqual([...encodedKeys].sort());
      const prot = cbor.decode(body[0]!) as Map<number, unknown>;
      expect(prot.get(16)).toBe('application/exec+cwt');
    }
  });
});

describe('verification vectors, checked independently', () => {
  it('valid COSE_Sign1 verifications verify under node:crypto with the vector key; bad-signature ones do not', () => {
    for (const v of byKind('cose-sign1-verify')) {
      const names = v.options.key ? [v.options.key] : v.options.key_set;
      const keys = Object.fromEntries(names.map((n: string) => [n, v.keys[n]]));
      const signers = sign1Signers(v.input.cose_hex, keys, v.options.external_aad_hex, v.input.detached_payload_hex);
      expect(signers.length, v.id).toBeGreaterThanOrEqual(1);
    }
    for (const id of ['verify1-bad-signature', 'ect-cose-bad-signature', 'verify1-external-aad-missing']) {
      const v = vectors.find((x) => x.id === id);
      expect(sign1Signers(v.input.cose_hex, v.keys), id).toEqual([]);
    }
  });

  it('valid message verifications (COSE and JWS) verify under node:crypto', () => {
    const list = byKind('message-verify');
    for (const v of list) {
      if (v.input.cose_hex) {
        const { external_aad_hex: aad } = v.options;
        expect(sign1Signers(v.input.cose_hex, v.keys, aad, v.input.detached_payload_hex).length, v.id).toBeGreaterThan(
          0,
        );
        continue;
      }
      const [h, p, s] = v.input.jws.split('.');
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      const jwk = v.keys[v.options.key ?? Buffer.from(v.expected.kid_hex, 'hex').toString('utf8')];
      expect(nodeVerifies(jwk, JOSE[header.alg]!, Buffer.from(`${h}.${p}`), Buffer.from(s, 'base64url')), v.id).toBe(
        true,
      );
      expect(JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))).toEqual(v.expected.claims);
    }
    expect(list.filter((v) => v.input.jws).length).toBeGreaterThanOrEqual(3);
  });
});

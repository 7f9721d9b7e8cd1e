import { createHash, createPrivateKey, createPublicKey, ECDH, verify as nodeVerify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { describe, expect, it } from 'vitest';

// The generated vectors checked without Safety Net's code: cbor-x decodes the messages and encodes the
// Sig_structures (RFC 9052 §4.4), node:crypto checks the signatures and the keys, and the ECT claim mapping, the
// header split and the DAG walks are rebuilt from ect.md by hand. A generator that emitted a wrong signature,
// Sig_structure, label, key fact or walk would fail here.

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

const COSE_CRV: Record<string, number> = { Ed25519: 6, Ed448: 7, 'P-256': 1, 'P-384': 2, 'P-521': 3 };
const NODE_CURVE: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
const b64uHex = (text: string) => Buffer.from(text, 'base64url').toString('hex');
const hexB64u = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** The public JWK of a key-import vector's expected outputs. */
function expectedJwk(e: Json): Json {
  const okp = e.y_hex === null;
  return okp
    ? { crv: e.curve, kty: 'OKP', x: hexB64u(e.x_hex) }
    : { crv: e.curve, kty: 'EC', x: hexB64u(e.x_hex), y: hexB64u(e.y_hex) };
}

describe('key-import vectors, checked independently', () => {
  it('valid keys: node:crypto reads the same public key, d derives it, and both thumbprints are RFC 7638 / RFC 9679', () => {
    const list = byKind('key-import');
    expect(list.length).toBeGreaterThanOrEqual(10);
    for (const v of list) {
      const e = v.expected;
      const jwk = expectedJwk(e);
      // Node's own import and export of the public key (it checks EC points are on their curve).
      const exported = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'jwk' }) as Json;
      expect([b64uHex(exported.x), exported.y ? b64uHex(exported.y) : null], v.id).toEqual([e.x_hex, e.y_hex]);
      // RFC 7638: the required members, sorted, no whitespace (expectedJwk lists them in that order).
      expect(sha256(JSON.stringify(jwk)).toString('base64url'), v.id).toBe(e.jwk_thumbprint);
      // RFC 9679: the deterministic map of kty, crv, x (and y), keys 1, -1, -2, -3 in that order.
      const coseMap = new Map<number, unknown>([
        [1, e.y_hex === null ? 1 : 2],
        [-1, COSE_CRV[e.curve]],
        [-2, bytes(e.x_hex)],
        ...(e.y_hex === null ? [] : [[-3, bytes(e.y_hex)] as [number, unknown]]),
      ]);
      expect(hexOf(sha256(encoder.encode(coseMap))), v.id).toBe(e.cose_key_thumbprint_hex);

      const given =
        v.input.jwk ?? Object.fromEntries(cbor.decode(bytes(v.input.cose_key_hex)) as Map<unknown, unknown>);
      const d = v.input.jwk ? given.d : given[-4] && hexB64u(hexOf(given[-4]));
      expect(d !== undefined, v.id).toBe(e.private);
      if (d) {
        const derived = createPublicKey(createPrivateKey({ key: { ...jwk, d }, format: 'jwk' })).export({
          format: 'jwk',
        });
        expect(b64uHex((derived as Json).x), v.id).toBe(e.x_hex);
      }
      if (v.input.cose_key_hex && typeof given[-3] === 'boolean') {
        const compressed = Buffer.concat([Buffer.of(given[-3] ? 3 : 2), bytes(e.x_hex)]);
        const full = ECDH.convertKey(compressed, NODE_CURVE[e.curve]!, undefined, 'hex', 'uncompressed');
        expect(full, v.id).toBe(`04${e.x_hex}${e.y_hex}`);
      }
    }
  });

  it('refused points: node:crypto refuses them too', () => {
    for (const id of ['key-jwk-ec-off-curve', 'key-cose-key-ec2-off-curve']) {
      const v = vectors.find((x) => x.id === id);
      const given =
        v.input.jwk ?? Object.fromEntries(cbor.decode(bytes(v.input.cose_key_hex)) as Map<unknown, unknown>);
      const jwk = v.input.jwk ?? {
        kty: 'EC',
        crv: 'P-256',
        x: hexB64u(hexOf(given[-2])),
        y: hexB64u(hexOf(given[-3])),
      };
      expect(() => createPublicKey({ key: jwk, format: 'jwk' }), id).toThrow();
    }
    const off = vectors.find((x) => x.id === 'key-cose-key-compressed-off-curve');
    const x = (cbor.decode(bytes(off.input.cose_key_hex)) as Map<number, Uint8Array>).get(-2)!;
    expect(() => ECDH.convertKey(Buffer.concat([Buffer.of(2), x]), 'prime256v1')).toThrow();
    const mismatch = vectors.find((x) => x.id === 'key-jwk-d-mismatch');
    const derived = createPublicKey(createPrivateKey({ key: mismatch.input.jwk, format: 'jwk' })).export({
      format: 'jwk',
    });
    expect((derived as Json).x).not.toBe(mismatch.input.jwk.x);
  });
});

describe('ect-header-parse and dag-query vectors, checked independently', () => {
  it('valid header vectors: RFC 9110 list splitting, and Buffer for base64url', () => {
    const list = byKind('ect-header-parse');
    expect(list.length).toBeGreaterThanOrEqual(8);
    for (const v of list) {
      const elements = (v.input.field_lines as string[])
        .flatMap((l) => l.split(','))
        .map((s) => s.replace(/^[ \t]+|[ \t]+$/g, ''))
        .filter((s) => s !== '');
      const tokens = elements.map((t) =>
        t.split('.').length === 3 ? { format: 'jws', jws: t } : { format: 'cose', cose_hex: b64uHex(t) },
      );
      expect(tokens, v.id).toEqual(v.expected.tokens);
    }
  });

  it('valid walk vectors: a breadth-first walk written here gives the same nodes in the same order', () => {
    const list = byKind('dag-query');
    expect(list.length).toBeGreaterThanOrEqual(4);
    for (const v of list) {
      const nodes = v.input.existing as { jti: string; pred: string[] }[];
      const next = (id: string) =>
        v.input.walk === 'ancestors'
          ? nodes.find((n) => n.jti === id)!.pred
          : nodes.filter((n) => n.pred.includes(id)).map((n) => n.jti);
      const seen = new Set([v.input.jti]);
      const order: string[] = [];
      for (let queue = [v.input.jti]; queue.length > 0; ) {
        const id = queue.shift()!;
        for (const n of next(id)) {
          if (seen.has(n)) continue;
          seen.add(n);
          order.push(n);
          queue.push(n);
        }
      }
      expect(order, v.id).toEqual(v.expected.nodes);
    }
  });
});

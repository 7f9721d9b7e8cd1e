import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { describe, expect, it } from 'vitest';

// The override-protocol vectors of the ov-* kinds checked without Safety Net's code: node:crypto hashes the
// canonical forms and checks every COSE_Sign signature over a Sig_structure cbor-x builds from RFC 9052 §4.4, with
// the operator keys read out of the policy by hand.

const dir = fileURLToPath(new URL('../../../spec-vectors/override-protocol/', import.meta.url));
// biome-ignore lint/suspicious/noExplicitAny: vectors are free-form JSON here, read field by field.
type Json = any;
const vectors: Json[] = readdirSync(dir).map((f) => JSON.parse(readFileSync(dir + f, 'utf8')));
const cbor = new Decoder({ mapsAsObjects: false, useRecords: false });
const encoder = new Encoder({ tagUint8Array: false, useRecords: false, mapsAsObjects: false, variableMapSize: true });

function untag(bytes: Buffer, tag: number): Json[] {
  const value = cbor.decode(bytes);
  expect(value).toBeInstanceOf(Tag);
  expect((value as Tag).tag).toBe(tag);
  return (value as Tag).value as Json[];
}

/** Operator id → Ed25519 public keys, from the COSE_Keys (RFC 9052 §7) of a policy's claims. */
function operatorKeys(policyHex: string): Map<string, ReturnType<typeof createPublicKey>[]> {
  const [, , payload] = untag(Buffer.from(policyHex, 'hex'), 18);
  const claims = cbor.decode(payload) as Map<Json, Json>;
  const out = new Map();
  for (const op of claims.get('operators') as Map<string, Json>[]) {
    const keys = (op.get('keys') as Uint8Array[]).map((k) => {
      const coseKey = cbor.decode(k) as Map<number, Json>;
      expect(coseKey.get(1)).toBe(1); // kty OKP
      expect(coseKey.get(-1)).toBe(6); // crv Ed25519
      const x = Buffer.from(coseKey.get(-2)).toString('base64url');
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    });
    out.set(op.get('id'), keys);
  }
  return out;
}

describe('override-protocol ov-* vectors, checked without Safety Net’s code', () => {
  it('ov-action-digest: digest = SHA-256 of canonical_hex, which is the action’s JSON', () => {
    const valid = vectors.filter((v) => v.kind === 'ov-action-digest' && v.expected.result === 'valid');
    expect(valid.length).toBeGreaterThanOrEqual(8);
    for (const v of valid) {
      const bytes = Buffer.from(v.expected.canonical_hex, 'hex');
      expect(createHash('sha256').update(bytes).digest('base64url')).toBe(v.expected.digest);
      expect(JSON.parse(bytes.toString('utf8'))).toEqual(v.input.action);
    }
    const stop = vectors.find((v) => v.id === 'action-digest-stop');
    expect(stop.expected.digest).toBe('H20swNzx2vdbUE4cbeiI9YZ2NN0FPNN74--wJBbIWEQ'); // override-protocol.md §4.2
  });

  it('ov-authority: each signature of a two-person signal is an Ed25519 signature over its Sig_structure', () => {
    const verifiedBy = (v: Json) => {
      const keys = operatorKeys(v.input.policy_cose_hex);
      const [bodyProtected, , payload, signatures] = untag(Buffer.from(v.input.signal_cose_hex, 'hex'), 98);
      const operators = new Set<string>();
      for (const [signProtected, , signature] of signatures) {
        const tbs = encoder.encode(['Signature', bodyProtected, signProtected, Buffer.alloc(0), payload]);
        for (const [id, list] of keys) {
          if (list.some((key) => nodeVerify(null, tbs, key, signature))) operators.add(id);
        }
      }
      return [...operators];
    };
    const two = vectors.find((v) => v.id === 'signal-two-person-release');
    expect(verifiedBy(two)).toEqual(two.expected.operators);
    expect(two.expected.operators).toHaveLength(2);
    // A stranger's co-signature verifies under no key of the policy: one operator is left, under a quorum of 2.
    expect(verifiedBy(vectors.find((v) => v.id === 'authority-quorum-stranger-cosigner'))).toHaveLength(1);
  });
});

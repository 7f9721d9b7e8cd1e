import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { describe, expect, it } from 'vitest';

// Rows 37 and 38 of cross-domain-audit.md §13 checked without Safety Net's code: cbor-x takes the COSE_Sign apart
// and encodes each Sig_structure (RFC 9052 §4.4), node:crypto checks every signature under the key named for its
// party and hashes the payload for the content digest (§8.1).

const dir = fileURLToPath(new URL('../../../spec-vectors/cross-domain-audit/', import.meta.url));
// biome-ignore lint/suspicious/noExplicitAny: vectors are free-form JSON here, read field by field.
const read = (id: string): any => JSON.parse(readFileSync(`${dir}${id}.json`, 'utf8'));
const cbor = new Decoder({ mapsAsObjects: false, useRecords: false });
const encoder = new Encoder({ tagUint8Array: false, useRecords: false, mapsAsObjects: false, variableMapSize: true });

/** The body's protected bucket, the payload and each signature with its protected bucket decoded. */
function partsOf(coseHex: string) {
  const value = cbor.decode(Buffer.from(coseHex, 'hex'));
  expect(value).toBeInstanceOf(Tag);
  expect((value as Tag).tag).toBe(98);
  const [bodyProt, , payload, signatures] = (value as Tag).value as [Uint8Array, unknown, Uint8Array, Uint8Array[][]];
  return {
    typ: (cbor.decode(bodyProt) as Map<number, unknown>).get(16),
    payload,
    signatures: signatures.map(([prot, , signature]) => {
      const bucket = cbor.decode(prot!) as Map<number, unknown>;
      const data = encoder.encode(['Signature', Buffer.from(bodyProt), Buffer.from(prot!), Buffer.alloc(0), payload]);
      return {
        alg: bucket.get(1),
        kid: Buffer.from(bucket.get(4) as Uint8Array).toString(),
        data,
        signature: signature!,
      };
    }),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a JWK from the vector.
function ed25519Verifies(jwk: any, data: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
  return nodeVerify(null, data, key, signature);
}

describe('consumption record vectors, checked independently', () => {
  const valid = read('consumption-two-signers');
  const meterOnly = read('consumption-no-countersignature');
  const { iss, consumer } = valid.expected.claims;

  it('consumption-two-signers: the metering domain then the consumer signed the payload; its digest is its SHA-256', () => {
    const parts = partsOf(valid.input.cose_hex);
    expect(parts.typ).toBe('application/au-consumption+cwt');
    expect(parts.signatures.map((s) => [s.alg, s.kid])).toEqual([
      [-8, iss],
      [-8, consumer],
    ]);
    for (const s of parts.signatures) expect(ed25519Verifies(valid.keys[s.kid], s.data, s.signature)).toBe(true);
    // Each key verifies its own party's signature only.
    expect(ed25519Verifies(valid.keys[consumer], parts.signatures[0]!.data, parts.signatures[0]!.signature)).toBe(
      false,
    );
    expect(valid.expected.signers).toEqual([iss, consumer]);
    expect(valid.expected.digest).toBe(createHash('sha256').update(parts.payload).digest('base64url'));
    // The payload is the claims map of the expected claims (text keys as the record's CDDL names them).
    const claims = cbor.decode(parts.payload) as Map<unknown, unknown>;
    expect([claims.get(1), claims.get('consumer'), claims.get('meter')]).toEqual([iss, consumer, 'model-gateway']);
    // The key binding the verifier is given: each party's key may speak for its own domain only.
    expect(valid.options.key_issuers).toEqual({ [iss]: [iss], [consumer]: [consumer] });
  });

  it('consumption-no-countersignature: the same payload with the metering domain’s signature only', () => {
    const parts = partsOf(meterOnly.input.cose_hex);
    const countersigned = partsOf(valid.input.cose_hex);
    expect(Buffer.from(parts.payload).equals(Buffer.from(countersigned.payload))).toBe(true);
    expect(parts.signatures.map((s) => s.kid)).toEqual([iss]);
    expect(ed25519Verifies(meterOnly.keys[iss], parts.signatures[0]!.data, parts.signatures[0]!.signature)).toBe(true);
    expect(meterOnly.expected).toEqual({ result: 'invalid', error: 'ERR_AU_COUNTERSIGNATURE_MISSING' });
  });
});

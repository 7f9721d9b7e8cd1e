import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { toBase64Url } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { cosignatureLine, cosignatureMessage, parseNote, parseSignatureLine } from '../../src/index.js';
import { SAMPLE_NOW } from '../../src/testing.js';
import { checkpointOf, WITNESS_A } from '../notes-fixtures.js';

// node:crypto's Ed25519 and SHA-256 as the independent implementation of the C2SP tlog-cosignature bytes.
const privateKey = createPrivateKey({
  key: { kty: 'OKP', crv: 'Ed25519', d: toBase64Url(WITNESS_A.key.d), x: toBase64Url(WITNESS_A.key.x) },
  format: 'jwk',
});
const publicKey = createPublicKey(privateKey);

describe('cosignature/v1 bytes, checked with node:crypto', () => {
  const text = parseNote(checkpointOf(7)).text;
  const line = parseSignatureLine(cosignatureLine(WITNESS_A, text, SAMPLE_NOW));

  it('has the key ID SHA-256(name || 0x0A || 0x04 || key)[:4]', () => {
    const digest = createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${WITNESS_A.name}\n`), Buffer.of(0x04), Buffer.from(WITNESS_A.key.x)]))
      .digest();
    expect(line.keyId).toBe(digest.readUInt32BE(0));
  });

  it('signs the 8-byte big-endian timestamp and "cosignature/v1\\ntime <t>\\n" + the note text', () => {
    const message = Buffer.from(`cosignature/v1\ntime ${SAMPLE_NOW}\n${text}`);
    expect(Buffer.from(cosignatureMessage(SAMPLE_NOW, text))).toEqual(message);
    expect(line.signature).toHaveLength(72);
    expect(Buffer.from(line.signature.subarray(0, 8)).readBigUInt64BE(0)).toBe(BigInt(SAMPLE_NOW));
    const signature = line.signature.subarray(8);
    expect(verify(null, message, publicKey, signature)).toBe(true);
    expect(Buffer.from(signature)).toEqual(sign(null, message, privateKey));
  });
});

import {
  type CborValue,
  type CryptoBackend,
  decodeCbor,
  encodeCbor,
  fromHex,
  type HeaderParams,
  Tagged,
  toHex,
} from '@safety-net/core';
import type { HeaderObject } from '../format.js';
import { VectorMismatch } from './context.js';
import { attempt } from './outcome.js';

/** A header bucket in the README's JSON form as the signer's parameters. */
export function headerParams(h: HeaderObject): HeaderParams {
  return {
    ...(h.alg !== undefined ? { alg: h.alg } : {}),
    ...(h.kid_hex !== undefined ? { kid: fromHex(h.kid_hex) } : {}),
    ...(h.typ !== undefined ? { typ: h.typ } : {}),
    ...(h.content_type !== undefined ? { contentType: h.content_type } : {}),
    ...(h.crit !== undefined ? { crit: h.crit } : {}),
  };
}

/** The message with every signature replaced by the empty byte string, and the signatures' lengths. */
function withoutSignatures(bytes: Uint8Array): { shape: string; lengths: number[] } {
  const outer = decodeCbor(bytes);
  const items = outer instanceof Tagged ? outer.value : outer;
  if (!Array.isArray(items) || items.length !== 4) throw new VectorMismatch('not a COSE_Sign1 or COSE_Sign');
  const lengths: number[] = [];
  const blank = (sig: CborValue): Uint8Array => {
    lengths.push(sig instanceof Uint8Array ? sig.length : -1);
    return new Uint8Array(0);
  };
  const last = items[3];
  const body = [
    ...items.slice(0, 3),
    Array.isArray(last) ? last.map((s) => (Array.isArray(s) ? [...s.slice(0, 2), blank(s[2])] : s)) : blank(last),
  ];
  return { shape: toHex(encodeCbor(outer instanceof Tagged ? new Tagged(outer.tag, body) : body)), lengths };
}

/** Checks that `bytes` verifies under every backend; `verify` throws a Safety Net error when it does not. */
async function verifiesEverywhere(
  what: string,
  bytes: Uint8Array,
  backends: readonly CryptoBackend[],
  verify: (bytes: Uint8Array, backend: CryptoBackend) => unknown,
): Promise<void> {
  for (const backend of backends) {
    const got = await attempt(() => verify(bytes, backend));
    if (!got.ok) throw new VectorMismatch(`${what} does not verify under ${backend.name}: ${got.error.code}`);
  }
}

/**
 * Compares a freshly signed message with the vector's. Deterministic algorithms: byte for byte. Otherwise (ECDSA):
 * equal except for the signature bytes, signatures of the same lengths, and both messages verify under every
 * backend.
 */
export async function compareSigned(
  ours: Uint8Array,
  expected: { cose_hex: string; deterministic: boolean },
  backends: readonly CryptoBackend[],
  verify: (bytes: Uint8Array, backend: CryptoBackend) => unknown,
): Promise<void> {
  if (expected.deterministic) {
    if (toHex(ours) !== expected.cose_hex) {
      throw new VectorMismatch(`cose_hex: expected ${expected.cose_hex}, got ${toHex(ours)}`);
    }
    return;
  }
  const example = fromHex(expected.cose_hex);
  const a = withoutSignatures(ours);
  const b = withoutSignatures(example);
  if (a.shape !== b.shape) throw new VectorMismatch(`cose_hex differs outside the signatures: got ${toHex(ours)}`);
  if (a.lengths.join() !== b.lengths.join()) throw new VectorMismatch('signature lengths differ from cose_hex');
  await verifiesEverywhere('the fresh signature', ours, backends, verify);
  await verifiesEverywhere('cose_hex', example, backends, verify);
}

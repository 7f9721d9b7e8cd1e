import { byteStringLength, cborHeadLength, encodeCbor, writeByteString, writeCborHead } from '../cbor/encode.js';

import { scratchBytes } from '../util/scratch.js';

const EMPTY: Uint8Array = new Uint8Array(0);
const SIGNATURE1 = encodeCbor('Signature1');
const SIGNATURE = encodeCbor('Signature');

// The structures are assembled from their parts in one allocation rather than passed through the general encoder:
// they sit on the hot path of every signature and verification, and their encoding is fixed (RFC 9052 §4.4).

/** Where an assembled structure is written: a buffer of its own, or scratch space (see `scratchBytes`). */
type Allocate = (size: number) => Uint8Array;
const ownBuffer: Allocate = (size) => new Uint8Array(size);

/** The array `[context, ...items]`, the items as byte strings. */
function assemble(context: Uint8Array, items: readonly Uint8Array[], allocate: Allocate): Uint8Array {
  const arity = items.length + 1;
  let size = cborHeadLength(arity) + context.length;
  for (const item of items) size += byteStringLength(item);
  const out = allocate(size);
  let at = writeCborHead(out, 0, 4, arity);
  out.set(context, at);
  at += context.length;
  for (const item of items) at = writeByteString(out, at, item);
  return out;
}

/** The to-be-signed bytes of a COSE_Sign1 (RFC 9052 §4.4, context "Signature1"). */
export function sign1ToBeSigned(
  bodyProtected: Uint8Array,
  payload: Uint8Array,
  externalAad: Uint8Array = EMPTY,
): Uint8Array {
  return assemble(SIGNATURE1, [bodyProtected, externalAad, payload], ownBuffer);
}

/**
 * {@link sign1ToBeSigned} in scratch space: for bytes that go straight to a crypto backend and are dropped after.
 * Not for returning to callers (the view shares its `buffer`).
 */
export function scratchSign1ToBeSigned(
  bodyProtected: Uint8Array,
  payload: Uint8Array,
  externalAad: Uint8Array = EMPTY,
): Uint8Array {
  return assemble(SIGNATURE1, [bodyProtected, externalAad, payload], scratchBytes);
}

/** The to-be-signed bytes of one COSE_Signature in a COSE_Sign (RFC 9052 §4.4, context "Signature"). */
export function signToBeSigned(
  bodyProtected: Uint8Array,
  signProtected: Uint8Array,
  payload: Uint8Array,
  externalAad: Uint8Array = EMPTY,
): Uint8Array {
  return assemble(SIGNATURE, [bodyProtected, signProtected, externalAad, payload], ownBuffer);
}

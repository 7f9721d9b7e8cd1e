import { encodeCbor } from '../cbor/index.js';

const EMPTY: Uint8Array = new Uint8Array(0);

/** The to-be-signed bytes of a COSE_Sign1 (RFC 9052 §4.4, context "Signature1"). */
export function sign1ToBeSigned(bodyProtected: Uint8Array, payload: Uint8Array, externalAad: Uint8Array = EMPTY): Uint8Array {
  return encodeCbor(['Signature1', bodyProtected, externalAad, payload]);
}

/** The to-be-signed bytes of one COSE_Signature in a COSE_Sign (RFC 9052 §4.4, context "Signature"). */
export function signToBeSigned(
  bodyProtected: Uint8Array,
  signProtected: Uint8Array,
  payload: Uint8Array,
  externalAad: Uint8Array = EMPTY,
): Uint8Array {
  return encodeCbor(['Signature', bodyProtected, signProtected, externalAad, payload]);
}

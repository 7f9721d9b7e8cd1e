import { cborHead, encodeCbor } from '../cbor/index.js';
import { concatBytes } from '../util/bytes.js';

const EMPTY: Uint8Array = new Uint8Array(0);
const SIGNATURE1 = encodeCbor('Signature1');
const SIGNATURE = encodeCbor('Signature');

/** A byte string item, head and content. */
function bstr(bytes: Uint8Array): Uint8Array[] {
  return [cborHead(2, bytes.length), bytes];
}

// The structures are joined from their parts rather than passed through the general encoder: they sit on the
// hot path of every signature and verification, and their encoding is fixed (RFC 9052 §4.4).

/** The to-be-signed bytes of a COSE_Sign1 (RFC 9052 §4.4, context "Signature1"). */
export function sign1ToBeSigned(bodyProtected: Uint8Array, payload: Uint8Array, externalAad: Uint8Array = EMPTY): Uint8Array {
  return concatBytes(cborHead(4, 4), SIGNATURE1, ...bstr(bodyProtected), ...bstr(externalAad), ...bstr(payload));
}

/** The to-be-signed bytes of one COSE_Signature in a COSE_Sign (RFC 9052 §4.4, context "Signature"). */
export function signToBeSigned(
  bodyProtected: Uint8Array,
  signProtected: Uint8Array,
  payload: Uint8Array,
  externalAad: Uint8Array = EMPTY,
): Uint8Array {
  return concatBytes(
    cborHead(4, 5),
    SIGNATURE,
    ...bstr(bodyProtected),
    ...bstr(signProtected),
    ...bstr(externalAad),
    ...bstr(payload),
  );
}

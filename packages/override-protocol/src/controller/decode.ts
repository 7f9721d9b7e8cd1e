import { decodeCbor, decodeSign, decodeSign1, type MessageType } from '@safety-net/core';

/**
 * The claims of a message, decoded but not verified: for bytes this control plane signed or verified before it
 * stored them, and for a pre-signed signal (COSE_Sign1 or, signed by several operators, COSE_Sign) whose
 * signatures its agents verify against their policy.
 */
export function claimsOf<T extends object>(type: MessageType<T>, bytes: Uint8Array): T {
  let payload: Uint8Array | null;
  try {
    payload = decodeSign1(bytes).payload;
  } catch {
    payload = decodeSign(bytes).payload;
  }
  return type.parse(type.fromCbor(decodeCbor(payload!)));
}

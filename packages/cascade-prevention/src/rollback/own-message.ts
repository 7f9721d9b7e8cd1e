import { type CborValue, decodeCbor, decodeSign1, type MessageType } from '@safety-net/core';

/** The claims of a message this process signed and stored itself (its store is trusted; no signature check). */
export function readOwnMessage<T extends object>(type: MessageType<T>, bytes: Uint8Array): T {
  return type.parse(type.fromCbor(decodeCbor(decodeSign1(bytes).payload!) as CborValue));
}

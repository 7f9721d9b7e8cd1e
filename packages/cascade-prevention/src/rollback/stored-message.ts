import { type CborValue, decodeCbor, decodeSign1, type MessageType } from '@safety-net/core';

/** The claims of a message the coordinator verified or signed before it stored it: its store is trusted. */
export function readStoredMessage<T extends object>(type: MessageType<T>, bytes: Uint8Array): T {
  return type.parse(type.fromCbor(decodeCbor(decodeSign1(bytes).payload!) as CborValue));
}

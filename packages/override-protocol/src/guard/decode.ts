import { decodeCbor, decodeSign, decodeSign1, HEADER, isSafetyNetError, type MessageType } from '@safety-net/core';
import { ovError } from '../errors.js';
import { isCoseSign, payloadOf } from '../messages/cosigned-signal.js';

/** The claims of a message this guard signed or already verified and recorded: decoded, not verified again. */
export function claimsOf<T extends object>(type: MessageType<T>, bytes: Uint8Array): T {
  return type.parse(type.fromCbor(decodeCbor(payloadOf(bytes))));
}

/** Runs a store call; anything it throws that is not already `ERR_OV_STORE_FAILED` becomes that. */
export async function storeCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isSafetyNetError(e, 'ERR_OV_STORE_FAILED')) throw e;
    throw ovError('ERR_OV_STORE_FAILED', e instanceof Error ? e.message : String(e), { cause: e });
  }
}

/**
 * The protected `typ` of a COSE_Sign1, or of a cosigned signal's body (COSE_Sign), or undefined when it does not
 * decode (verification then says why).
 */
export function typOf(bytes: Uint8Array): unknown {
  try {
    return (isCoseSign(bytes) ? decodeSign(bytes) : decodeSign1(bytes)).protectedHeader.get(HEADER.typ);
  } catch {
    return undefined;
  }
}

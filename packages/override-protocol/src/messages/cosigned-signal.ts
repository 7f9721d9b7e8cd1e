import {
  bytesEqual,
  COSE_SIGN_TAG,
  decodeSign,
  decodeSign1,
  encodeCbor,
  type PrivateKey,
  signJws,
  signSign,
  snError,
  Tagged,
} from '@safety-net/core';
import { type OverrideSignalClaims, overrideSignal } from './override-signal.js';

/** Most signatures one Override Signal carries (spec §4.11). */
export const MAX_SIGNAL_SIGNERS = 16;

/** The JWS JSON General Serialization of a signal signed by several operators (RFC 7515 §7.2.1, spec §4). */
export interface GeneralJws {
  readonly payload: string;
  readonly signatures: readonly { readonly protected: string; readonly signature: string }[];
}

/** Whether bytes are a tagged COSE_Sign (tag 98) rather than a COSE_Sign1: the only form of a cosigned signal. */
export function isCoseSign(bytes: Uint8Array): boolean {
  return bytes[0] === 0xd8 && bytes[1] === COSE_SIGN_TAG;
}

/**
 * One operator's signature on a signal that needs several (spec §5.4): a COSE_Sign of the signal's claims with
 * `typ` in the body's protected bucket and this operator's `alg` and `kid` in its own. The claims encode
 * deterministically, so every operator given the same claims signs the same body, and {@link assembleSignal}
 * joins their signatures into the signal the control plane delivers.
 *
 * @example
 * ```ts
 * const signal = assembleSignal([cosignSignal(claims, aliceKey), cosignSignal(claims, bobKey)]);
 * ```
 */
export function cosignSignal(claims: OverrideSignalClaims, key: PrivateKey): Uint8Array {
  const payload = encodeCbor(overrideSignal.toCbor(overrideSignal.parse(claims)));
  return signSign(payload, [{ key, protectedHeader: key.kid ? { kid: key.kid } : {} }], {
    protectedHeader: { typ: overrideSignal.typ },
  });
}

/**
 * Joins operators' COSE_Sign signatures of one signal into one COSE_Sign (spec §5.4). Every part must carry the same
 * body (protected bucket and payload, byte for byte): a part signed over other claims is `ERR_INPUT_INVALID`, as
 * are no parts and more than {@link MAX_SIGNAL_SIGNERS} signatures. Signatures are not verified here: the agent
 * verifies each one against its own policy.
 */
export function assembleSignal(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 0) throw snError('ERR_INPUT_INVALID', 'no signatures to assemble');
  const decoded = parts.map((p) => decodeSign(p, { tag: 'tagged' }));
  const [first] = decoded;
  const signatures = decoded.flatMap((d) => {
    const same = d.payload !== null && first!.payload !== null && bytesEqual(d.payload, first!.payload);
    if (!same || !bytesEqual(d.protectedBytes, first!.protectedBytes)) {
      throw snError('ERR_INPUT_INVALID', 'the parts sign different signals');
    }
    return d.signatures.map((s) => [s.protectedBytes, s.unprotectedHeader, s.signature]);
  });
  if (signatures.length > MAX_SIGNAL_SIGNERS) {
    throw snError('ERR_INPUT_INVALID', `more than ${MAX_SIGNAL_SIGNERS} signatures on one signal`);
  }
  return encodeCbor(
    new Tagged(COSE_SIGN_TAG, [first!.protectedBytes, first!.unprotectedHeader, first!.payload, signatures]),
  );
}

/**
 * The JOSE form of one operator's signature (spec §4): the JWS JSON General Serialization with one signature. Each
 * signature covers `protected.payload`, exactly as a compact JWS does, so an operator's compact JWS of the claims
 * is taken apart rather than signed anew.
 */
export async function cosignSignalJws(claims: OverrideSignalClaims, key: PrivateKey): Promise<GeneralJws> {
  const [protectedPart, payload, signature] = (await signJws(overrideSignal, claims, key)).split('.');
  return { payload: payload!, signatures: [{ protected: protectedPart!, signature: signature! }] };
}

/** Joins operators' general-serialization JWSs of one signal; other payloads are `ERR_INPUT_INVALID`. */
export function assembleSignalJws(parts: readonly GeneralJws[]): GeneralJws {
  if (parts.length === 0) throw snError('ERR_INPUT_INVALID', 'no signatures to assemble');
  const payload = parts[0]!.payload;
  if (parts.some((p) => p.payload !== payload)) throw snError('ERR_INPUT_INVALID', 'the parts sign different signals');
  const signatures = parts.flatMap((p) => p.signatures);
  if (signatures.length > MAX_SIGNAL_SIGNERS) {
    throw snError('ERR_INPUT_INVALID', `more than ${MAX_SIGNAL_SIGNERS} signatures on one signal`);
  }
  return { payload, signatures };
}

/** The payload of a COSE_Sign1 or a tagged COSE_Sign, not verified: for records already verified once. */
export function payloadOf(bytes: Uint8Array): Uint8Array {
  return (isCoseSign(bytes) ? decodeSign(bytes) : decodeSign1(bytes)).payload!;
}

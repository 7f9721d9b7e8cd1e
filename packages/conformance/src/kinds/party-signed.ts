import {
  type Clock,
  type CryptoBackend,
  decodeCbor,
  isSafetyNetError,
  type KeyResolver,
  type PublicKey,
  Tagged,
} from '@safety-net/core';
import { consumptionRecord, verifyConsumption } from '@safety-net/cross-domain-audit';

/** What a verifier of a message several parties sign needs: the trusted keys, the clock and the backend. */
export interface PartyVerifyOptions {
  readonly keys: PublicKey | KeyResolver;
  readonly clock: Clock;
  readonly backend: CryptoBackend;
}

/** A party-signed message that verified: the `message-verify` outputs of `spec-vectors/README.md`. */
export interface PartyVerified {
  readonly format: 'cose';
  readonly typ: string;
  readonly claims: object;
  /** The parties whose signatures verified, in the order the type names them. */
  readonly signers: readonly string[];
  /** The content digest, for a type that defines one. */
  readonly digest: string;
}

type PartyVerifier = (bytes: Uint8Array, options: PartyVerifyOptions) => Promise<PartyVerified>;

/**
 * The message types whose COSE form is a COSE_Sign by named parties, each verified with its own verifier, which
 * assigns the signatures to the parties the claims name: the Consumption Record (`cross-domain-audit.md` §8.1).
 */
const VERIFIERS: Readonly<Record<string, PartyVerifier>> = {
  [consumptionRecord.name]: async (bytes, options) => {
    const result = await verifyConsumption(bytes, options);
    if (!result.ok) throw result.error;
    const { claims } = result;
    return {
      format: 'cose',
      typ: consumptionRecord.typ,
      claims,
      signers: [claims.iss, ...(result.countersigned ? [claims.consumer] : [])],
      digest: result.digest,
    };
  },
};

/** Whether `bytes` is a COSE_Sign (tag 98, or untagged with an array of signatures), as far as it decodes. */
function isCoseSign(bytes: Uint8Array): boolean {
  try {
    const value = decodeCbor(bytes);
    if (value instanceof Tagged) return value.tag === 98;
    return Array.isArray(value) && value.length === 4 && Array.isArray(value[3]);
  } catch (e) {
    if (isSafetyNetError(e)) return false; // not CBOR: the type's own verification reports it
    throw e;
  }
}

/** The verifier of a COSE_Sign of `typeName` by named parties, or undefined when the message is verified as usual. */
export function partyVerifier(typeName: string, bytes: Uint8Array): PartyVerifier | undefined {
  return Object.hasOwn(VERIFIERS, typeName) && isCoseSign(bytes) ? VERIFIERS[typeName] : undefined;
}

import { bytesEqual, type Clock, isSafetyNetError, type KeyResolver, type PublicKey } from '@safety-net/core';
import { auError } from '../errors.js';
import type { ProfileSet } from '../profiles/registry.js';
import { type VerifiedEat, verifyEat } from '../sd/audit-token.js';

/** Which record a trace asks the auditor's disclosures of. */
export interface DisclosureRequest {
  readonly index: number;
  readonly leafHash: Uint8Array;
}

/**
 * How a trace obtains the auditor's presentation (SD-CWT) of a record, e.g. `({ leafHash }) =>
 * vault.present(leafHash, { role })` in the domain, or a proof bundle's presentation; undefined: none for it.
 */
export type DisclosureSource = (record: DisclosureRequest) => Promise<Uint8Array | undefined>;

/** What a presentation is checked under. */
export interface PresentationCheck {
  readonly key: PublicKey | KeyResolver;
  readonly profiles?: ProfileSet;
  readonly role?: string;
  readonly clock: Clock;
}

/**
 * Verifies a presentation as a disclosure of one logged record: the EAT verifies (its signature, every disclosure
 * matching one of the signed digests under the SD-CWT rules, the role's visibility) and its issued form is the
 * logged body byte for byte, so no other record's disclosures pass for this one. Throws the refusal's code;
 * a presentation of another record is `ERR_AU_DISCLOSURE_INVALID`.
 */
export async function verifyPresentation(
  presentation: Uint8Array,
  logged: Uint8Array,
  check: PresentationCheck,
): Promise<VerifiedEat> {
  const verified = await verifyEat(presentation, check);
  if (!verified.ok) throw verified.error;
  if (!verified.issued || !bytesEqual(verified.issued, logged)) {
    throw auError('ERR_AU_DISCLOSURE_INVALID', 'the presentation is not of the logged record');
  }
  return verified;
}

/** The code of a failure to obtain or verify a presentation. */
export const disclosureCode = (e: unknown) => (isSafetyNetError(e) ? e.code : 'ERR_INPUT_INVALID');

/**
 * Sample claims of the erasure message types (spec §7), valid at `SAMPLE_NOW`: a tombstone of two entries, a legal
 * hold placed and lifted, and an Erasure Request from a peer, with the log domain's key from a fixed seed. Spread a
 * sample to vary it; never change one in place.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { generateKey, type PrivateKey, seededRandom, toBase64Url, utf8 } from '@safety-net/core';
import type { ErasureRequestClaims } from './erasure-request.js';
import type { LegalHoldClaims } from './legal-hold.js';
import type { TombstoneClaims } from './tombstone.js';

/** `SAMPLE_NOW` (2026-03-01T00:00:00Z): `samples.ts` re-exports this file, so this file cannot import from it. */
const NOW = 1_772_323_200;
const digest = (label: string) => toBase64Url(sha256(utf8(label)));

/** The log domain of the erasure samples and its key (kid: the domain's name). */
export const ERASURE_SAMPLE_DOMAIN = 'audit.pharmacy.example';
/** A fixed key of a domain of the erasure samples, its kid the domain's name. */
export function erasureSampleKey(domain: string = ERASURE_SAMPLE_DOMAIN): PrivateKey {
  return { ...generateKey('Ed25519', seededRandom(`au-erasure/${domain}`)), kid: utf8(domain) };
}

/** Two entries' disclosures destroyed on a subject's request. */
export const sampleTombstoneClaims: TombstoneClaims = {
  iss: ERASURE_SAMPLE_DOMAIN,
  iat: NOW,
  jti: 'au-tomb-0001',
  wid: 'au-erasure',
  pred: ['au-erase-req-0001'],
  reason: 'erasure',
  entries: [17, 42],
  destroyed: [digest('blinded 1'), digest('blinded 2'), digest('blinded 3')],
  request: 'au-erase-req-0001',
  basis: 'gdpr-17-1-a',
};

/** A litigation hold on one subject and one workflow. */
export const sampleHoldClaims: LegalHoldClaims = {
  iss: ERASURE_SAMPLE_DOMAIN,
  iat: NOW - 86_400,
  jti: 'au-hold-0001',
  wid: 'au-holds',
  pred: [],
  hold: 'case-2026-114',
  action: 'place',
  scope: { subjects: [digest('pseudonym patient-1')], workflows: ['wf-dispense-17'] },
  authority: 'Regional court order 2026/114',
};

/** The same hold lifted: a lift names the place in `pred`. */
export const sampleHoldLiftClaims: LegalHoldClaims = {
  ...sampleHoldClaims,
  iat: NOW,
  jti: 'au-hold-0002',
  pred: [sampleHoldClaims.jti],
  action: 'lift',
};

/** A peer asks the pharmacy's log to erase the subject of a record stitched to its own. */
export const sampleErasureRequestClaims: ErasureRequestClaims = {
  iss: 'audit.hospital.example',
  aud: ERASURE_SAMPLE_DOMAIN,
  iat: NOW,
  exp: NOW + 30 * 86_400,
  jti: 'au-erase-req-0001',
  wid: 'au-erasure',
  pred: [],
  stitches: [{ ect: 'ect-dispense-0042', entry: digest('leaf 17') }],
  basis: 'gdpr-17-1-a',
};

/**
 * `message-verify` vectors for the erasure message types of @safety-net/cross-domain-audit (spec §7): the Tombstone,
 * the Legal Hold (placed and lifted) and the Erasure Request, each valid in COSE and JWT form, and the refusals their
 * claim rules add.
 */

import type { AnyMessageType } from '@safety-net/core';
import { erasureRequest, legalHold, tombstone } from '@safety-net/cross-domain-audit';
import {
  sampleHoldClaims as hold,
  sampleHoldLiftClaims as lift,
  sampleErasureRequestClaims as request,
  sampleTombstoneClaims as tomb,
} from '@safety-net/cross-domain-audit/testing';
import type { Vector } from '../../format.js';
import { KEYS } from '../common.js';
import { claimsRefused, type MessageCase, messageVerifyVector, type ValidMessage, validPairs } from '../messages.js';

const { ed25519, p256 } = KEYS;
const SECTION = 'cross-domain-audit.md §7';

function validCases(): MessageCase[] {
  const valid: ValidMessage[] = [
    [tombstone, 'au-tombstone-valid', 'Tombstone of two entries after an erasure request', tomb, ed25519],
    [legalHold, 'au-hold-place-valid', 'Legal Hold placed on a subject and a workflow', hold, ed25519],
    [legalHold, 'au-hold-lift-valid', 'Legal Hold lifted, naming its place in pred', lift, p256],
    [erasureRequest, 'au-erasure-valid', 'Erasure Request naming one stitched record', request, p256],
  ];
  return validPairs(SECTION, valid);
}

function refusals(): MessageCase[] {
  const invalid = (id: string, description: string, type: AnyMessageType, claims: object) =>
    claimsRefused(type, claims, ed25519, { id, description });
  return [
    invalid('au-tombstone-no-entries', 'A tombstone that names no entry (§7.3).', tombstone, { ...tomb, entries: [] }),
    invalid('au-tombstone-no-destroyed', 'A tombstone that names no destroyed hash (§7.3).', tombstone, {
      ...tomb,
      destroyed: [],
    }),
    invalid('au-tombstone-short-digest', 'A tombstone naming a 31-byte hash (§7.3).', tombstone, {
      ...tomb,
      destroyed: ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    }),
    invalid('au-hold-empty-scope', 'A hold whose scope has no member (§7.5).', legalHold, { ...hold, scope: {} }),
    invalid('au-hold-lift-without-place', 'A lift that names no place in pred (§7.5).', legalHold, {
      ...lift,
      pred: [],
    }),
    invalid('au-hold-unknown-action', 'A hold whose action is neither place nor lift (§7.5).', legalHold, {
      ...hold,
      action: 'suspend',
    }),
    invalid('au-erasure-no-stitches', 'An erasure request naming no stitch (§7.3).', erasureRequest, {
      ...request,
      stitches: [],
    }),
    invalid('au-erasure-long-lived', 'An erasure request living longer than 30 days (§9).', erasureRequest, {
      ...request,
      exp: request.iat + 31 * 86_400,
    }),
  ];
}

/** `message-verify` vectors of the erasure message types, in both wire forms. */
export function crossDomainAuditErasureVectors(): Vector[] {
  return [...validCases(), ...refusals()].map((c) => messageVerifyVector('cross-domain-audit', c));
}

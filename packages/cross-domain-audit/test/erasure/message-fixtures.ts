import { fixedClock } from '@safety-net/core';
import type { MessageCase } from '../../../../test-support/message-suites.js';
import { erasureRequest, legalHold, tombstone } from '../../src/index.js';
import {
  erasureSampleKey,
  SAMPLE_NOW,
  sampleErasureRequestClaims,
  sampleHoldClaims,
  sampleHoldLiftClaims,
  sampleTombstoneClaims,
} from '../../src/testing.js';

export const clock = fixedClock(SAMPLE_NOW * 1000);
export const key = erasureSampleKey();
export const strangerKey = erasureSampleKey('stranger.example');

export const cases: MessageCase[] = [
  { type: tombstone, claims: sampleTombstoneClaims, key },
  { type: legalHold, claims: sampleHoldClaims, key },
  { type: legalHold, claims: sampleHoldLiftClaims, key },
  { type: erasureRequest, claims: sampleErasureRequestClaims, key: erasureSampleKey('audit.hospital.example') },
];

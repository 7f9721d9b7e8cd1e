import { generateKey, seededRandom } from '@safety-net/core';
import { SAMPLE_NOW } from '../../src/testing.js';

/** 2026-03-01T00:00:00Z, the fixed "now" of these tests. */
export const NOW = SAMPLE_NOW;
export const NOW_MS = NOW * 1000;

export const hostKey = generateKey('Ed25519', seededRandom('cp-test-host'));
export const coordinatorKey = generateKey('P-256', seededRandom('cp-test-coordinator'));
export const strangerKey = generateKey('Ed25519', seededRandom('cp-test-stranger'));
export const strangerP256Key = generateKey('P-256', seededRandom('cp-test-stranger-p256'));

// The claims are the package's samples, the ones its conformance vectors are made of.
export {
  sampleAnnouncementClaims as announcementClaims,
  sampleCheckpointClaims as checkpointClaims,
  sampleCompensationClaims as compensationClaims,
  sampleCompleteClaims as completeClaims,
  sampleFailureClaims as failureClaims,
  samplePlanClaims as planClaims,
  sampleRequestClaims as requestClaims,
} from '../../src/testing.js';

import { fixedClock } from '@safety-net/core';
import type { MessageCase } from '../../../../test-support/message-suites.js';
import { OVERRIDE_SAMPLES, SAMPLE_NOW, sampleKey } from '../../src/testing.js';

/** 2026-03-01T00:00:00Z, the fixed "now" of these tests. */
export const NOW = SAMPLE_NOW;
export const clock = fixedClock(NOW * 1000);

export const strangerKey = sampleKey('stranger');
export const strangerP256Key = sampleKey('stranger-p256', 'P-256');

/** Every message type with its sample claims and signer: the cases the shared message suites run. */
export const cases: MessageCase[] = OVERRIDE_SAMPLES.map((s) => ({ ...s }));

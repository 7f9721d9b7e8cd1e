import { fixedClock, KeySet } from '@safety-net/core';
import type { MessageCase } from '../../../../test-support/message-suites.js';
import {
  ACCOUNTING_KEYS,
  ACCOUNTING_SAMPLES,
  accountingKey,
  SAMPLE_CONSUMER,
  SAMPLE_NOW,
  SAMPLE_PROVIDER,
  SAMPLE_THIRD,
} from '../../src/testing.js';

export const NOW = SAMPLE_NOW;
export const clock = fixedClock(NOW * 1000);

/** Keys of the three sample domains, each bound to its domain as issuer. */
export const keys = new KeySet([
  { key: ACCOUNTING_KEYS.provider, issuers: [SAMPLE_PROVIDER] },
  { key: ACCOUNTING_KEYS.consumer, issuers: [SAMPLE_CONSUMER] },
  { key: ACCOUNTING_KEYS.third, issuers: [SAMPLE_THIRD] },
]);

export const strangerKey = accountingKey('stranger.example');
export const strangerP256Key = accountingKey('stranger-p256.example', 'P-256');

/** Every accounting message type with its sample claims and first signer. */
export const cases: MessageCase[] = ACCOUNTING_SAMPLES.map((s) => ({ ...s }));

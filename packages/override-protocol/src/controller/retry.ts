import type { RandomSource } from '@safety-net/core';
import type { Level } from '../messages/common.js';

/** Spec §7.6: an Emergency signal is resent every 250 ms; others back off from 250 ms, factor 2, at most 5 s. */
export const EMERGENCY_RETRY_MS = 250;
export const RETRY_BASE_MS = 250;
export const RETRY_CAP_MS = 5000;

/**
 * The wait before resending after `attempt` failed attempts (0 for the first resend). Non-Emergency waits have
 * full jitter — uniform in [0, min(cap, base · 2^attempt)] — so that agents that came back together are not all
 * resent to at the same instant.
 */
export function retryDelay(level: Level, attempt: number, random: RandomSource): number {
  if (level === 'emergency') return EMERGENCY_RETRY_MS;
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(attempt, 16));
  const b = random.bytes(4);
  const uniform = (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 2 ** 32;
  return Math.floor(uniform * (ceiling + 1));
}

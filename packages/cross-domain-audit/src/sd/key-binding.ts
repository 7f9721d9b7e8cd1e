import { type Clock, DEFAULT_CLOCK_SKEW_SECONDS, epochSeconds, systemClock } from '@safety-net/core';
import { auError } from '../errors.js';

/** Oldest Key Binding Token accepted, seconds (spec §9). */
export const KEY_BINDING_MAX_AGE = 300;

/** What an auditor expects of a presentation's key binding (spec §3.3, §3.4). */
export interface KeyBindingExpectation {
  /** Refuse a presentation without a key binding (`ERR_AU_KEY_BINDING`). */
  readonly required: boolean;
  /** The auditor itself: the binding's `aud`. */
  readonly audience: string;
  /** The auditor's fresh nonce: `nonce` (SD-JWT) or `cnonce` (SD-CWT, its UTF-8 bytes). */
  readonly nonce: string;
  readonly clock?: Clock;
  /** Default {@link KEY_BINDING_MAX_AGE}. */
  readonly maxAge?: number;
}

/** The binding's audience, nonce and age against what the auditor expects (`ERR_AU_KEY_BINDING`). */
export function checkBinding(
  found: { aud: unknown; nonce: unknown; iat: unknown },
  expected: KeyBindingExpectation,
): void {
  if (found.aud !== expected.audience) throw auError('ERR_AU_KEY_BINDING', 'key binding for another audience');
  if (found.nonce !== expected.nonce) throw auError('ERR_AU_KEY_BINDING', 'key binding with another nonce');
  const now = epochSeconds(expected.clock ?? systemClock);
  const iat = found.iat;
  if (typeof iat !== 'number' || !Number.isInteger(iat)) throw auError('ERR_AU_KEY_BINDING', 'key binding iat');
  if (iat > now + DEFAULT_CLOCK_SKEW_SECONDS || now - iat > (expected.maxAge ?? KEY_BINDING_MAX_AGE)) {
    throw auError('ERR_AU_KEY_BINDING', 'key binding not fresh');
  }
}

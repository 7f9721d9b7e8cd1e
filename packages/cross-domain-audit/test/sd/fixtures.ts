import { type CborMap, fixedClock, publicKeyOf } from '@safety-net/core';
import type { SdCwtLabels } from '../../src/sd/sd-cwt.js';
import { disclosureSampleKey, SAMPLE_NOW } from '../../src/testing.js';

export const clock = fixedClock(SAMPLE_NOW * 1000);
export const issuerKey = disclosureSampleKey('sd-issuer');
export const issuerPublic = publicKeyOf(issuerKey);
export const holderKey = disclosureSampleKey('sd-holder');

/** Claims of the generic tests are named by their CBOR labels: integer labels by their decimal text. */
export const TEXT_LABELS: SdCwtLabels = {
  labelOf: (name) => (/^-?[0-9]+$/.test(name) ? Number(name) : name),
  nameOf: (label) => String(label),
};

/** A JSON claims object as a top-level CBOR claims map (nested objects stay plain, as the walker expects). */
export function asClaimsMap(claims: Record<string, unknown>): CborMap {
  return new Map(Object.entries(claims)) as CborMap;
}

/** A CBOR value back to JSON (maps to objects) for comparing restored claims. */
export function toJson(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]));
  if (Array.isArray(value)) return value.map(toJson);
  return value;
}

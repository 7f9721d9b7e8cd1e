import {
  bytesEqual,
  canonicalJson,
  fixedClock,
  fromHex,
  isSafetyNetError,
  keyFromJwk,
  type PublicKey,
  publicKeyOf,
} from '@safety-net/core';
import type { EatClaims } from '../messages/eat.js';
import { builtinProfiles } from '../profiles/registry.js';
import { checkEatRecord, type EatVerifyResult, verifyEat, verifyEatJwt } from './audit-token.js';
import { sdCwtDigest } from './sd-cwt.js';
import { sdJwtDigest } from './sd-jwt.js';

/**
 * A selective disclosure or profile vector (spec §13): `au-sd-digest` (a disclosure → its digest), `au-sd` (a
 * presentation, the auditor's role and nonce → the claims it discloses, or a code) and `au-profile` (a record →
 * its retention and redactions under the profiles of spec §4.2, or a code).
 */
export interface DisclosureVector {
  readonly id: string;
  readonly kind: 'au-sd-digest' | 'au-sd' | 'au-profile';
  readonly keys: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly now: number;
  readonly input: Readonly<Record<string, unknown>>;
  readonly options: Readonly<Record<string, unknown>>;
  readonly expected: unknown;
}

/** The kinds {@link runDisclosureVector} runs. */
export const DISCLOSURE_VECTOR_KINDS = ['au-sd-digest', 'au-sd', 'au-profile'] as const;

/**
 * Runs one vector and compares its outcome with `expected` (as RFC 8785 JSON, so member order does not matter).
 */
export async function runDisclosureVector(vector: DisclosureVector): Promise<{ passed: boolean; actual: unknown }> {
  const actual = await outcome(vector);
  return { passed: bytesEqual(canonicalJson(actual), canonicalJson(vector.expected)), actual };
}

async function outcome(vector: DisclosureVector): Promise<unknown> {
  try {
    switch (vector.kind) {
      case 'au-sd-digest':
        return digestOutcome(vector.input);
      case 'au-sd':
        return presentationOutcome(await verifyPresentation(vector));
      case 'au-profile':
        return profileOutcome(vector.input);
    }
  } catch (e) {
    if (isSafetyNetError(e)) return { result: 'invalid', error: e.code };
    throw e;
  }
}

function digestOutcome(input: Readonly<Record<string, unknown>>) {
  const digest =
    input.form === 'jose' ? sdJwtDigest(String(input.disclosure)) : sdCwtDigest(fromHex(String(input.disclosure_hex)));
  return { result: 'valid', digest };
}

function verifyPresentation(vector: DisclosureVector): Promise<EatVerifyResult> {
  const issuer = vector.keys.issuer;
  const key: PublicKey = publicKeyOf(keyFromJwk(issuer));
  const o = vector.options as { role?: string; audience?: string; nonce?: string; key_binding_required?: boolean };
  const options = {
    key,
    role: o.role,
    clock: fixedClock(vector.now * 1000),
    keyBinding:
      o.nonce === undefined
        ? undefined
        : { audience: o.audience ?? '', nonce: o.nonce, required: o.key_binding_required ?? false },
  };
  return vector.input.form === 'jose'
    ? verifyEatJwt(String(vector.input.presentation), options)
    : verifyEat(fromHex(String(vector.input.presentation_hex)), options);
}

function presentationOutcome(r: EatVerifyResult) {
  if (!r.ok) return { result: 'invalid', error: r.error.code };
  const disclosed = r.disclosed.map((d) => d.path).sort();
  return { result: 'valid', claims: r.claims, disclosed, key_bound: r.keyBound };
}

function profileOutcome(input: Readonly<Record<string, unknown>>) {
  const { retention, redact } = checkEatRecord(input.record as EatClaims, builtinProfiles());
  return {
    result: 'valid',
    retention: { min_days: retention.minDays, max_days: retention.maxDays, basis: retention.basis },
    redact: [...redact].sort(),
  };
}

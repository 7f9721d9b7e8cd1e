import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson, toBase64Url } from '@safety-net/core';
import { auError } from '../errors.js';
import doraIct from './data/dora-ict.js';
import euAiActArt12 from './data/eu-ai-act-art12.js';
import gdprArt30 from './data/gdpr-art30.js';
import hipaa164312b from './data/hipaa-164-312b.js';
import sox404 from './data/sox-404.js';
import { type ProfileRef, type RegulatoryProfile, RegulatoryProfileSchema } from './schema.js';

/** A profile that passed its schema, with its digest and the `profile-ref` records name it by. */
export interface HeldProfile {
  readonly profile: RegulatoryProfile;
  readonly ref: ProfileRef;
}

/** SHA-256 of the profile's RFC 8785 canonical form, base64url (spec §4.1). */
export function profileDigest(profile: unknown): string {
  return toBase64Url(sha256(canonicalJson(profile)));
}

/**
 * Checks a profile (parsed JSON) against the schema of spec §4.1 and returns it with its digest;
 * `ERR_AU_PROFILE_INVALID` naming the first problem.
 */
export function loadProfile(json: unknown): HeldProfile {
  const parsed = RegulatoryProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw auError('ERR_AU_PROFILE_INVALID', `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const profile = parsed.data;
  return { profile, ref: { id: profile.id, ver: profile.ver, digest: profileDigest(profile) } };
}

/** The profiles a verifier holds, found by `profile-ref`. */
export class ProfileSet {
  readonly #byKey: ReadonlyMap<string, HeldProfile>;

  constructor(profiles: readonly HeldProfile[]) {
    this.#byKey = new Map(profiles.map((p) => [`${p.ref.id}@${p.ref.ver}`, p]));
  }

  /** The reference of a held profile (its latest version when `ver` is left out). */
  ref(id: string, ver?: number): ProfileRef {
    const held = [...this.#byKey.values()]
      .filter((p) => p.ref.id === id && (ver === undefined || p.ref.ver === ver))
      .sort((a, b) => b.ref.ver - a.ref.ver)[0];
    if (!held) throw auError('ERR_AU_PROFILE_UNKNOWN', `${id}${ver === undefined ? '' : `@${ver}`}`);
    return held.ref;
  }

  /** The profiles a record names; `ERR_AU_PROFILE_UNKNOWN` for one not held, or held with another digest. */
  resolve(refs: readonly ProfileRef[]): RegulatoryProfile[] {
    return refs.map((ref) => {
      const held = this.#byKey.get(`${ref.id}@${ref.ver}`);
      if (!held || held.ref.digest !== ref.digest) {
        throw auError('ERR_AU_PROFILE_UNKNOWN', `${ref.id}@${ref.ver} (${ref.digest}) is not held`);
      }
      return held.profile;
    });
  }
}

let builtin: ProfileSet | undefined;

/**
 * The five profiles of spec §4.2 (GDPR Art. 30, HIPAA §164.312(b), SOX §404, EU AI Act Art. 12, DORA), each
 * version 1, loaded and checked once.
 */
export function builtinProfiles(): ProfileSet {
  builtin ??= new ProfileSet([gdprArt30, hipaa164312b, sox404, euAiActArt12, doraIct].map(loadProfile));
  return builtin;
}

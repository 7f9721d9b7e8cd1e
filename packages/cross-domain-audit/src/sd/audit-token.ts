import {
  type Clock,
  type DecodeOptions,
  fromUtf8,
  isSafetyNetError,
  type KeyResolver,
  type PrivateKey,
  type PublicKey,
  parseClaims,
  type RandomSource,
  type SafetyNetError,
  snError,
} from '@safety-net/core';
import { checkClaims } from '@safety-net/core/internal';
import { auError } from '../errors.js';
import {
  EAT_LABELS,
  EAT_VCT,
  type EatClaims,
  type EatDisclosedClaims,
  EatDisclosedClaimsSchema,
  eat,
} from '../messages/eat.js';
import {
  assertRequiredFields,
  type Retention,
  redactedFields,
  retentionOf,
  roleMaySee,
  roleRequiresKeyBinding,
  valueAt,
} from '../profiles/check.js';
import { builtinProfiles, type ProfileSet } from '../profiles/registry.js';
import type { RegulatoryProfile } from '../profiles/schema.js';
import type { DecoyRange, IssuedDisclosure } from './blind.js';
import type { KeyBindingExpectation } from './key-binding.js';
import { ELEMENTS } from './paths.js';
import type { Disclosed } from './restore.js';
import {
  type IssuedSdCwt,
  issueSdCwt,
  presentSdCwt,
  type SdCwtKeyBinding,
  type SdCwtLabels,
  verifySdCwt,
} from './sd-cwt.js';
import { type IssuedSdJwt, issueSdJwt, presentSdJwt, type SdJwtKeyBinding, verifySdJwt } from './sd-jwt.js';

/**
 * The EAT fields a profile may require redacted (spec §3.3): the optional claims, `actor`, and the members of
 * `reg` beyond the profiles, jurisdiction and retention class. Everything else places the record (DAG links,
 * issuer, time, action, outcome) and stays in clear.
 */
export const REDACTABLE_FIELDS: readonly string[] = [
  'sub',
  'actor',
  'inp_hash',
  'out_hash',
  'stitch',
  'refs',
  'reg.legal_basis',
  'reg.purpose',
  'reg.data_categories',
  'reg.subjects',
  'reg.controller',
  'reg.processor',
  'reg.recipients',
  'reg.transfers',
  'reg.security',
  'reg.risk_events',
];
const REDACTABLE = new Set(REDACTABLE_FIELDS);
/** Redacted one disclosure per element: each subject is its own disclosure, so it can be erased alone (§7.2). */
const PER_ELEMENT = new Set(['reg.subjects']);

const labelEntries = Object.entries(EAT_LABELS).map(([name, spec]) => [name, Array.isArray(spec) ? spec[0] : spec]);
const LABEL_BY_NAME = new Map<string, number | string>(labelEntries as [string, number | string][]);
const NAME_BY_LABEL = new Map<number | string, string>(
  labelEntries.map(([n, l]) => [l, n]) as [number | string, string][],
);

/** The EAT's claim names and CBOR labels, for the SD-CWT layer. */
export const EAT_SD_LABELS: SdCwtLabels = {
  labelOf: (name) => LABEL_BY_NAME.get(name) ?? name,
  nameOf: (label) => NAME_BY_LABEL.get(label) ?? String(label),
};

/**
 * The fields a record must carry redacted (spec §3.3): its profiles' `redact` and `sensitive` lists, always
 * `reg.subjects`, and `actor` and `sub` when the actor is a human.
 */
export function requiredRedactions(claims: EatDisclosedClaims, profiles: readonly RegulatoryProfile[]): string[] {
  const fields = new Set(['reg.subjects', ...redactedFields(profiles)]);
  if (claims.actor?.kind === 'human') fields.add('actor').add('sub');
  for (const f of fields) {
    if (!REDACTABLE.has(f)) throw auError('ERR_AU_PROFILE_INVALID', `${f} is not a redactable EAT field`);
  }
  return [...fields];
}

/** Options of {@link issueEat} and {@link issueEatJwt}. */
export interface EatIssueOptions {
  /** The profiles the record's `reg.profiles` name are looked up here (default: the five of spec §4.2). */
  readonly profiles?: ProfileSet;
  /** Salts and decoy counts (default: the system's secure source). */
  readonly random?: RandomSource;
  readonly decoys?: DecoyRange;
}

/** An issued EAT, with what the profiles made of it. */
export interface IssuedEat<T> {
  readonly claims: EatClaims;
  /** The issued token (the SD-CWT's bytes, or the SD-JWT's issuer-signed JWT) and every disclosure. */
  readonly token: T;
  readonly disclosures: readonly IssuedDisclosure<T extends string ? string : Uint8Array>[];
  readonly profiles: readonly RegulatoryProfile[];
  readonly retention: Retention;
}

/** What the profiles make of a record: its claims, profiles, retention and the redaction paths it is issued with. */
export interface CheckedEatRecord {
  readonly claims: EatClaims;
  readonly profiles: readonly RegulatoryProfile[];
  readonly retention: Retention;
  /** Redaction paths (`a.b`, or `a.b[]` per element), as {@link issueSdCwt} and {@link issueSdJwt} take them. */
  readonly redact: readonly string[];
}

/**
 * Checks a record before it is issued or registered (spec §4.1): the EAT schema, every profile it names
 * (`ERR_AU_PROFILE_UNKNOWN`), the fields they require (`ERR_AU_FIELD_MISSING`, every missing path in the message)
 * and its retention (`ERR_AU_PROFILE_INVALID`); returns what must be redacted.
 */
export function checkEatRecord(claims: EatClaims, profileSet: ProfileSet = builtinProfiles()): CheckedEatRecord {
  const parsed = eat.parse(claims);
  const profiles = profileSet.resolve(parsed.reg.profiles);
  assertRequiredFields(parsed, profiles);
  const retention = retentionOf(parsed.reg.retention_class, profiles);
  const redact = requiredRedactions(parsed, profiles).map((f) => (PER_ELEMENT.has(f) ? f + ELEMENTS : f));
  return { claims: parsed, profiles, retention, redact };
}

/**
 * Issues an EAT as an SD-CWT (spec §3.3): claims checked against the schema and every profile the record names
 * (`ERR_AU_PROFILE_UNKNOWN`, `ERR_AU_FIELD_MISSING`, `ERR_AU_PROFILE_INVALID`), the fields §3.3 requires redacted
 * blinded with decoys. The returned bytes carry no disclosures: they are what the log holds.
 */
export function issueEat(claims: EatClaims, key: PrivateKey, options: EatIssueOptions = {}): IssuedEat<Uint8Array> {
  const { claims: parsed, profiles, retention, redact } = checkEatRecord(claims, options.profiles);
  const issued: IssuedSdCwt = issueSdCwt(eat.toCbor(parsed), key, {
    typ: eat.typ,
    labels: EAT_SD_LABELS,
    redact,
    random: options.random,
    decoys: options.decoys,
  });
  return { claims: parsed, token: issued.issued, disclosures: issued.disclosures, profiles, retention };
}

/** {@link issueEat} in the JOSE form: an SD-JWT with `typ` `au-eat+sd-jwt` (spec §3.4). */
export function issueEatJwt(claims: EatClaims, key: PrivateKey, options: EatIssueOptions = {}): IssuedEat<string> {
  const { claims: parsed, profiles, retention, redact } = checkEatRecord(claims, options.profiles);
  const issued: IssuedSdJwt = issueSdJwt(parsed as unknown as Record<string, unknown>, key, {
    typ: eat.jws!.typ,
    redact,
    random: options.random,
    decoys: options.decoys,
  });
  return { claims: parsed, token: issued.jwt, disclosures: issued.disclosures, profiles, retention };
}

/** What to release to an auditor (spec §4.3). */
export interface EatRelease {
  /** The auditor's role, as the record's profiles name it. */
  readonly role: string;
  /**
   * The redacted fields asked for (default: every one the role may see). A field the role may not see is
   * `ERR_AU_VISIBILITY`.
   */
  readonly fields?: readonly string[];
}

/** The disclosures of an issued EAT that a role may see, or exactly the fields asked for when it may see them. */
export function releaseFor<D>(
  issued: {
    readonly disclosures: readonly IssuedDisclosure<unknown>[];
    readonly profiles: readonly RegulatoryProfile[];
  },
  release: EatRelease,
): D[] {
  const may = (path: string) => roleMaySee(release.role, path, issued.profiles);
  if (release.fields) {
    const refused = release.fields.filter((f) => !may(f));
    if (refused.length > 0) {
      throw auError('ERR_AU_VISIBILITY', `role ${release.role} may not see ${refused.join(', ')}`);
    }
  }
  const wanted = release.fields ? new Set(release.fields) : undefined;
  return issued.disclosures.filter((d) => (wanted ? wanted.has(d.path) : may(d.path))).map((d) => d.disclosure as D);
}

/** A role whose profiles demand key binding is never sent an unbound presentation (`ERR_AU_KEY_BINDING`). */
function assertBindingIfRequired(
  issued: Pick<IssuedEat<unknown>, 'profiles'>,
  release: EatRelease,
  binding: unknown,
): void {
  if (binding === undefined && roleRequiresKeyBinding(release.role, issued.profiles)) {
    throw auError('ERR_AU_KEY_BINDING', `role ${release.role} requires a key binding`);
  }
}

/**
 * A presentation of an issued EAT (SD-CWT) to an auditor: the role's disclosures, wrapped in a Key Binding Token
 * when `binding` is given, which it must be for a role whose profiles demand one.
 */
export function presentEat(
  issued: Pick<IssuedEat<Uint8Array>, 'token' | 'disclosures' | 'profiles'>,
  release: EatRelease,
  binding?: SdCwtKeyBinding,
): Uint8Array {
  const disclosures = releaseFor<Uint8Array>(issued, release);
  assertBindingIfRequired(issued, release, binding);
  return presentSdCwt(issued.token, disclosures, binding);
}

/** {@link presentEat} in the JOSE form. */
export function presentEatJwt(issued: IssuedEat<string>, release: EatRelease, binding?: SdJwtKeyBinding): string {
  const disclosures = releaseFor<string>(issued, release);
  assertBindingIfRequired(issued, release, binding);
  return presentSdJwt(issued.token, disclosures, binding);
}

/** Options of {@link verifyEat} and {@link verifyEatJwt}. */
export interface EatVerifyOptions {
  /** The auditing domain's key, or a resolver that finds it by `kid`. */
  readonly key: PublicKey | KeyResolver;
  readonly profiles?: ProfileSet;
  /** The auditor's role: a disclosure it may not see is `ERR_AU_VISIBILITY`, and its profiles may demand a key binding. */
  readonly role?: string;
  /** The auditor's audience and nonce for the key binding; `required` also when no profile demands one. */
  readonly keyBinding?: Omit<KeyBindingExpectation, 'clock'>;
  readonly clock?: Clock;
  readonly decode?: DecodeOptions;
}

/** A verified EAT presentation: what the auditor may rely on. */
export interface VerifiedEat {
  readonly claims: EatDisclosedClaims;
  /** The redacted fields this presentation disclosed (a per-element field once per element). */
  readonly disclosed: readonly Disclosed[];
  readonly profiles: readonly RegulatoryProfile[];
  readonly retention: Retention;
  readonly keyBound: boolean;
  /** The COSE form's issued bytes (its `sd_claims` removed): what the log entry holds, byte for byte. */
  readonly issued?: Uint8Array;
}

/** The outcome of verifying an EAT: never a throw for bad input. */
export type EatVerifyResult =
  | ({ readonly ok: true } & VerifiedEat)
  | { readonly ok: false; readonly error: SafetyNetError };

async function settle(run: () => VerifiedEat | Promise<VerifiedEat>): Promise<EatVerifyResult> {
  try {
    return { ok: true, ...(await run()) };
  } catch (e) {
    if (isSafetyNetError(e)) return { ok: false, error: e };
    throw e;
  }
}

/** The key binding expectation of a verification: the caller's, required when a profile demands it for the role. */
function expectation(options: EatVerifyOptions, required: boolean): KeyBindingExpectation | undefined {
  if (!options.keyBinding) {
    if (required) throw auError('ERR_AU_KEY_BINDING', 'the role requires a key binding and no nonce was given');
    return undefined;
  }
  return { ...options.keyBinding, required: required || options.keyBinding.required, clock: options.clock };
}

/**
 * The checks after restoration, shared by both forms (spec §3.3, §4): the schema of what is disclosed, the
 * profiles named, every field that must be redacted not in clear (`ERR_AU_NOT_REDACTED`), and every disclosure
 * within the role's view (`ERR_AU_VISIBILITY`).
 */
function checkDisclosed(raw: unknown, disclosed: readonly Disclosed[], options: EatVerifyOptions) {
  const claims = parseClaims(EatDisclosedClaimsSchema, raw);
  checkClaims(claims, { clock: options.clock });
  const profiles = (options.profiles ?? builtinProfiles()).resolve(claims.reg.profiles);
  const members = new Set(disclosed.filter((d) => !d.element).map((d) => d.path));
  for (const field of requiredRedactions(claims, profiles)) {
    const value = valueAt(claims, field);
    const inClear = PER_ELEMENT.has(field)
      ? Array.isArray(value) && value.length > disclosed.filter((d) => d.element && d.path === field).length
      : value !== undefined && !members.has(field);
    if (inClear) throw auError('ERR_AU_NOT_REDACTED', `${field} is in clear`);
  }
  if (options.role !== undefined) {
    const beyond = disclosed.find((d) => !roleMaySee(options.role!, d.path, profiles));
    if (beyond) throw auError('ERR_AU_VISIBILITY', `role ${options.role} may not see ${beyond.path}`);
  }
  return { claims, profiles, retention: retentionOf(claims.reg.retention_class, profiles) };
}

function roleWantsBinding(options: EatVerifyOptions, profiles: readonly RegulatoryProfile[]): boolean {
  return options.role !== undefined && roleRequiresKeyBinding(options.role, profiles);
}

/**
 * Verifies an EAT presentation in the COSE form (spec §3.3): the SD-CWT and its disclosures, `vct`
 * (`ERR_MESSAGE_TYPE_UNKNOWN` for another SD-CWT), the claims, profiles, redactions, the role's view and the key
 * binding the caller or the role's profiles require.
 */
export function verifyEat(bytes: Uint8Array, options: EatVerifyOptions): Promise<EatVerifyResult> {
  return settle(() => {
    const verified = verifySdCwt(bytes, {
      key: options.key,
      labels: EAT_SD_LABELS,
      typ: eat.typ,
      keyBinding: expectation(options, false),
      decode: options.decode,
    });
    const vct = verified.claims.get(LABEL_BY_NAME.get('vct')!);
    if (!(vct instanceof Uint8Array) || safeText(vct) !== EAT_VCT) {
      throw snError('ERR_MESSAGE_TYPE_UNKNOWN', 'an SD-CWT that is not an Execution Audit Token');
    }
    const checked = checkDisclosed(eat.fromCbor(verified.claims), verified.disclosed, options);
    if (roleWantsBinding(options, checked.profiles)) {
      if (!verified.keyBound) throw auError('ERR_AU_KEY_BINDING', `role ${options.role} requires a key binding`);
      expectation(options, true);
    }
    return { ...checked, disclosed: verified.disclosed, keyBound: verified.keyBound, issued: verified.issued };
  });
}

function safeText(bytes: Uint8Array): string | undefined {
  try {
    return fromUtf8(bytes);
  } catch {
    return undefined;
  }
}

/** {@link verifyEat} for the JOSE form (an SD-JWT presentation, spec §3.4). */
export function verifyEatJwt(presentation: string, options: EatVerifyOptions): Promise<EatVerifyResult> {
  return settle(async () => {
    const verified = await verifySdJwt(presentation, {
      key: options.key,
      typ: eat.jws!.typ,
      keyBinding: expectation(options, false),
    });
    if (verified.claims.vct !== EAT_VCT) throw snError('ERR_MESSAGE_TYPE_UNKNOWN', 'an SD-JWT that is not an EAT');
    const checked = checkDisclosed(verified.claims, verified.disclosed, options);
    if (roleWantsBinding(options, checked.profiles)) {
      if (!verified.keyBound) throw auError('ERR_AU_KEY_BINDING', `role ${options.role} requires a key binding`);
      expectation(options, true);
    }
    return { ...checked, disclosed: verified.disclosed, keyBound: verified.keyBound };
  });
}

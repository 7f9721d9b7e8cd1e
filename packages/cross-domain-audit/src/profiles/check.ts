import { auError } from '../errors.js';
import type { RegulatoryProfile } from './schema.js';

/** The value at a dotted path of JSON claims, undefined when any step is missing. */
export function valueAt(claims: unknown, path: string): unknown {
  let at: unknown = claims;
  for (const step of path.split('.')) {
    if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
    at = (at as Record<string, unknown>)[step];
  }
  return at;
}

/** `path` is `prefix` or lies below it. */
function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

/**
 * Every field the profiles require that the record (its JSON claims, in clear) lacks, each path once, in the
 * order the profiles name them (spec §4.1): `requires`, one of each `requires_any` group, and `requires_when`.
 */
export function missingFields(claims: object, profiles: readonly RegulatoryProfile[]): string[] {
  const missing = new Set<string>();
  const need = (path: string) => {
    if (valueAt(claims, path) === undefined) missing.add(path);
  };
  for (const p of profiles) {
    p.requires.forEach(need);
    for (const group of p.requires_any ?? []) {
      if (group.every((path) => valueAt(claims, path) === undefined)) missing.add(group.join('|'));
    }
    for (const rule of p.requires_when ?? []) {
      if (valueAt(claims, rule.if) === rule.equals) rule.require.forEach(need);
    }
  }
  return [...missing];
}

/** Refuses a record that lacks required fields (`ERR_AU_FIELD_MISSING`, every missing path in the message). */
export function assertRequiredFields(claims: object, profiles: readonly RegulatoryProfile[]): void {
  const missing = missingFields(claims, profiles);
  if (missing.length > 0) throw auError('ERR_AU_FIELD_MISSING', missing.join(', '));
}

/** A record's retention over its profiles (spec §4.1). */
export interface Retention {
  /** The largest `min_days`. */
  readonly minDays: number;
  /** The smallest `max_days`, when any profile sets one. */
  readonly maxDays?: number;
  /** `law` when any profile's minimum rests on law. */
  readonly basis: 'law' | 'profile';
}

/**
 * The retention of a record of `retentionClass` under its profiles: `ERR_AU_PROFILE_INVALID` when a profile does
 * not define the class, or when the smallest maximum is below the largest minimum (no retention satisfies both).
 */
export function retentionOf(retentionClass: string, profiles: readonly RegulatoryProfile[]): Retention {
  let minDays = 0;
  let maxDays: number | undefined;
  let basis: Retention['basis'] = 'profile';
  for (const p of profiles) {
    const r = Object.hasOwn(p.retention, retentionClass) ? p.retention[retentionClass] : undefined;
    if (!r) throw auError('ERR_AU_PROFILE_INVALID', `${p.id} defines no retention class ${retentionClass}`);
    minDays = Math.max(minDays, r.min_days);
    if (r.max_days !== undefined) maxDays = Math.min(maxDays ?? r.max_days, r.max_days);
    if (r.basis === 'law') basis = 'law';
  }
  if (maxDays !== undefined && maxDays < minDays) {
    throw auError('ERR_AU_PROFILE_INVALID', `retention conflict: at most ${maxDays} days, at least ${minDays}`);
  }
  return maxDays === undefined ? { minDays, basis } : { minDays, maxDays, basis };
}

/** Fields every profile of the record wants redacted (`redact` and `sensitive`), each once. */
export function redactedFields(profiles: readonly RegulatoryProfile[]): string[] {
  return [...new Set(profiles.flatMap((p) => [...p.redact, ...(p.sensitive ?? [])]))];
}

/**
 * Whether auditors of `role` may see the field at `path` under every profile of the record (spec §4.3): each
 * profile defines the role and lets it see the path, and a profile that marks the path sensitive lets the role see
 * it only when the role names it explicitly.
 */
export function roleMaySee(role: string, path: string, profiles: readonly RegulatoryProfile[]): boolean {
  return profiles.every((p) => {
    const r = Object.hasOwn(p.roles, role) ? p.roles[role] : undefined;
    if (!r) return false;
    if ((p.sensitive ?? []).some((s) => under(path, s))) return r.see.some((s) => s !== '*' && under(path, s));
    const seen = r.see.some((s) => s === '*' || under(path, s));
    return seen && !(r.except ?? []).some((e) => under(path, e));
  });
}

/** Whether any profile of the record requires a key binding of presentations to `role`. */
export function roleRequiresKeyBinding(role: string, profiles: readonly RegulatoryProfile[]): boolean {
  return profiles.some((p) => Object.hasOwn(p.roles, role) && p.roles[role]!.kb === true);
}

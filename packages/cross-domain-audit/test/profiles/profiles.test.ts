import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  builtinProfiles,
  issueEat,
  loadProfile,
  missingFields,
  ProfileSet,
  type RegulatoryProfile,
  retentionOf,
  roleMaySee,
} from '../../src/index.js';
import gdpr from '../../src/profiles/data/gdpr-art30.js';
import { EAT_SAMPLE_KEYS, sampleEatClaims, sampleHumanEatClaims } from '../../src/testing.js';

const set = builtinProfiles();
const profile = (id: string) => set.resolve([set.ref(id)])[0]!;
const [GDPR, HIPAA, SOX, AI_ACT, DORA] = ['gdpr-art30', 'hipaa-164-312b', 'sox-404', 'eu-ai-act-art12', 'dora-ict'].map(
  profile,
) as [RegulatoryProfile, RegulatoryProfile, RegulatoryProfile, RegulatoryProfile, RegulatoryProfile];

/** RFC 8785 for these profiles (text, integers, booleans): keys sorted by UTF-16 code units, no spaces. */
function jcs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('the five profiles', () => {
  it('load, and each digest is SHA-256 of its canonical JSON', () => {
    for (const p of [GDPR, HIPAA, SOX, AI_ACT, DORA]) {
      const ref = set.ref(p.id);
      expect(ref.ver).toBe(1);
      expect(ref.digest).toBe(createHash('sha256').update(jcs(p)).digest('base64url'));
      expect(p.redact).toContain('reg.subjects');
    }
  });

  it('a change of any requirement is another digest', () => {
    const changed = loadProfile({ ...gdpr, requires: [...gdpr.requires, 'refs'] });
    expect(changed.ref.digest).not.toBe(set.ref('gdpr-art30').digest);
    expect(() => set.resolve([{ ...changed.ref }])).toThrow(
      expect.objectContaining({ code: 'ERR_AU_PROFILE_UNKNOWN' }),
    );
  });

  it('a profile that breaks the schema is ERR_AU_PROFILE_INVALID', () => {
    for (const broken of [
      { ...gdpr, id: 'GDPR' },
      { ...gdpr, ver: 0 },
      { ...gdpr, requires: ['Reg.Purpose'] },
      { ...gdpr, roles: {} },
      { ...gdpr, retention: { audit: { min_days: 10, max_days: 5, basis: 'law' } } },
      { ...gdpr, retention: { audit: { min_days: 1, basis: 'custom' } } },
      { ...gdpr, extra: true },
      'not a profile',
    ]) {
      expect(() => loadProfile(broken)).toThrow(expect.objectContaining({ code: 'ERR_AU_PROFILE_INVALID' }));
    }
  });
});

describe('required fields', () => {
  it('a HIPAA record without reg.subjects, or with neither input nor output hash, misses them', () => {
    const { subjects: _s, ...reg } = sampleHumanEatClaims.reg;
    const { inp_hash: _i, out_hash: _o, ...rest } = { ...sampleHumanEatClaims, reg };
    expect(missingFields(rest, [HIPAA])).toEqual(['reg.subjects', 'inp_hash|out_hash']);
    expect(missingFields(sampleHumanEatClaims, [HIPAA])).toEqual([]);
  });

  it('every profile is checked and missing fields are reported together, each once', () => {
    const { purpose: _p, controller: _c, ...reg } = sampleEatClaims.reg;
    const { refs: _r, ...rest } = { ...sampleEatClaims, reg };
    expect(missingFields(rest, [GDPR, SOX, AI_ACT])).toEqual(['reg.controller', 'reg.purpose', 'refs']);
  });

  it('DORA wants risk events only when the outcome failed or aborted', () => {
    expect(missingFields({ ...sampleEatClaims, outcome: 'succeeded' }, [DORA])).toEqual([]);
    expect(missingFields({ ...sampleEatClaims, outcome: 'failed' }, [DORA])).toEqual(['reg.risk_events']);
    expect(missingFields({ ...sampleEatClaims, outcome: 'aborted' }, [DORA])).toEqual(['reg.risk_events']);
  });
});

describe('retention', () => {
  it('is the largest minimum and the smallest maximum, law when any minimum rests on law', () => {
    expect(retentionOf('audit', [GDPR, AI_ACT])).toEqual({ minDays: 183, maxDays: 1095, basis: 'law' });
    expect(retentionOf('audit', [HIPAA, SOX, DORA])).toEqual({ minDays: 2555, basis: 'profile' });
  });

  it('a class a profile does not define, or a maximum below another minimum, is ERR_AU_PROFILE_INVALID', () => {
    expect(() => retentionOf('processing', [GDPR, SOX])).toThrow(
      expect.objectContaining({ code: 'ERR_AU_PROFILE_INVALID' }),
    );
    expect(() => retentionOf('audit', [GDPR, SOX])).toThrow(
      expect.objectContaining({ code: 'ERR_AU_PROFILE_INVALID' }),
    );
    const reg = { ...sampleEatClaims.reg, profiles: [set.ref('gdpr-art30'), set.ref('sox-404')] };
    expect(() => issueEat({ ...sampleEatClaims, reg }, EAT_SAMPLE_KEYS.domain)).toThrow(
      expect.objectContaining({ code: 'ERR_AU_PROFILE_INVALID' }),
    );
  });
});

describe('what each role may see (spec §4.3)', () => {
  it('follows the table of spec §4.2', () => {
    expect(roleMaySee('gdpr_auditor', 'reg.purpose', [GDPR])).toBe(true);
    expect(roleMaySee('gdpr_auditor', 'reg.subjects', [GDPR])).toBe(false);
    expect(roleMaySee('gdpr_auditor', 'actor', [GDPR])).toBe(false);
    expect(roleMaySee('supervisory_authority', 'actor', [GDPR])).toBe(true);
    expect(roleMaySee('dpo', 'reg.subjects', [GDPR])).toBe(true);
    expect(roleMaySee('hipaa_auditor', 'reg.subjects', [HIPAA])).toBe(false);
    expect(roleMaySee('sox_auditor', 'reg.subjects', [SOX])).toBe(false);
    expect(roleMaySee('internal_audit', 'reg.subjects', [SOX])).toBe(true);
  });

  it('is the intersection over the record’s profiles', () => {
    expect(roleMaySee('dpo', 'reg.purpose', [GDPR, AI_ACT])).toBe(false);
    expect(roleMaySee('provider', 'reg.purpose', [GDPR, AI_ACT])).toBe(false);
  });

  it('a sensitive field is seen only by a role that names it, never through "*"', () => {
    expect(roleMaySee('privacy_officer', 'reg.data_categories', [HIPAA])).toBe(true);
    const wildcardOnly = loadProfile({
      ...HIPAA,
      id: 'hipaa-wildcard',
      roles: { privacy_officer: { see: ['*'] } },
    }).profile;
    expect(roleMaySee('privacy_officer', 'reg.data_categories', [wildcardOnly])).toBe(false);
    expect(roleMaySee('privacy_officer', 'reg.purpose', [wildcardOnly])).toBe(true);
  });

  it('a profile that wants a field redacted that an EAT keeps in clear is refused at issue', () => {
    const odd = loadProfile({ ...gdpr, id: 'odd', redact: ['reg.subjects', 'action'] });
    const profiles = new ProfileSet([odd]);
    const reg = { ...sampleEatClaims.reg, profiles: [odd.ref] };
    expect(() => issueEat({ ...sampleEatClaims, reg }, EAT_SAMPLE_KEYS.domain, { profiles })).toThrow(
      expect.objectContaining({ code: 'ERR_AU_PROFILE_INVALID' }),
    );
  });
});

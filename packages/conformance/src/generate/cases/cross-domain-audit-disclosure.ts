/**
 * Vectors of the Execution Audit Token and its selective disclosure (cross-domain-audit.md §3, §4, §13): digests
 * of SD-JWT and SD-CWT disclosures pinned against RFC 9901 and draft-ietf-spice-sd-cwt-08, EAT presentations as
 * auditors of several roles verify them, and the checks the regulatory profiles make of a record.
 */

import { encodeCbor, fromHex, keyToJwk, publicKeyOf, seededRandom, utf8 } from '@safety-net/core';
import {
  builtinProfiles,
  EAT_SD_LABELS,
  type EatClaims,
  eat,
  issueEat,
  issueEatJwt,
  issueSdCwt,
  presentEat,
  presentEatJwt,
  presentSdCwt,
} from '@safety-net/cross-domain-audit';
import {
  EAT_SAMPLE_KEYS,
  SAMPLE_NOW,
  sampleEatClaims,
  sampleHumanEatClaims,
} from '@safety-net/cross-domain-audit/testing';
import type { Vector } from '../../format.js';
import { hex, invalid } from '../common.js';
import { type MessageCase, messageVerifyVector, validCose, validJws } from '../messages.js';

const PACKAGE = 'cross-domain-audit';
const { domain, holder } = EAT_SAMPLE_KEYS;
const KEYS = { issuer: keyToJwk(publicKeyOf(domain)) as unknown as Record<string, unknown> };
const AUDITOR = 'https://market-surveillance.example';
const NONCE = 'n-7f3a';

function v(id: string, description: string, kind: string, input: object, options: object, expected: object): Vector {
  return {
    id,
    description,
    package: PACKAGE,
    kind,
    keys: kind === 'au-sd' ? KEYS : {},
    now: SAMPLE_NOW,
    input,
    options,
    expected,
  };
}

function digestVectors(): Vector[] {
  const jose = (id: string, what: string, disclosure: string, digest: string) =>
    v(id, `${what} (RFC 9901 §4.2.3).`, 'au-sd-digest', { form: 'jose', disclosure }, {}, { result: 'valid', digest });
  const cose = (id: string, what: string, parts: Parameters<typeof encodeCbor>[0], digestHex: string) =>
    v(
      id,
      `${what}: SHA-256 over the disclosure's bstr, head included (draft-ietf-spice-sd-cwt-08 examples).`,
      'au-sd-digest',
      { form: 'cose', disclosure_hex: hex(encodeCbor(parts)) },
      {},
      { result: 'valid', digest: Buffer.from(fromHex(digestHex)).toString('base64url') },
    );
  return [
    jose(
      'sd-jwt-digest-object-member',
      'The digest of RFC 9901’s object member disclosure ["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"]',
      'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0',
      'X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0',
    ),
    jose(
      'sd-jwt-digest-array-element',
      'The digest of RFC 9901’s array element disclosure ["lklxF5jMYlGTPUovMNIvCA", "FR"]',
      'WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0',
      'w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs',
    ),
    cose(
      'sd-cwt-digest-claim',
      'A redacted claim (inspector_license_number, key 501)',
      [fromHex('bae611067bb823486797da1ebbb52f83'), 'ABCD-123456', 501],
      'af375dc3fba1d082448642c00be7b2f7bb05c9d8fb61cfc230ddfdfb4616a693',
    ),
    cose(
      'sd-cwt-digest-element',
      'A redacted array element (an inspection date)',
      [fromHex('8de86a012b3043ae6e4457b9e1aaab80'), 1549560720],
      '1b7fc8ecf4b1290712497d226c04b503b4aa126c603c83b75d2679c3c613f3fd',
    ),
    cose(
      'sd-cwt-digest-decoy',
      'A decoy [salt]',
      [fromHex('89c41c270dd06cd3517d371c9ddf2bab')],
      'eeec970897a5b9108f24f44751baedabb53a1f3d241ab6b60c9f309f114ecf88',
    ),
  ];
}

/** The sample record under GDPR only, so that GDPR's roles apply. */
const gdprOnly: EatClaims = {
  ...sampleEatClaims,
  jti: 'au-eat-0003',
  reg: { ...sampleEatClaims.reg, profiles: [sampleEatClaims.reg.profiles[0]!] },
};

function presentationVectors(): Vector[] {
  const random = (seed: string) => seededRandom(`cross-domain-audit/vectors/${seed}`);
  const gdpr = issueEat(gdprOnly, domain, { random: random('gdpr') });
  const human = issueEat(sampleHumanEatClaims, domain, { random: random('hipaa') });
  const agent = issueEat(sampleEatClaims, domain, { random: random('agent') });
  const humanJwt = issueEatJwt(sampleHumanEatClaims, domain, { random: random('hipaa-jwt') });
  const cose = (bytes: Uint8Array) => ({ form: 'cose', presentation_hex: hex(bytes) });
  const outcome = (claims: object, disclosed: string[], keyBound = false) => ({
    result: 'valid',
    claims,
    disclosed,
    key_bound: keyBound,
  });
  const { subjects: _s, ...gdprRegSeen } = gdprOnly.reg;
  const { sub: _sub, ...humanSeen } = sampleHumanEatClaims;
  const hipaaAuditorView = { ...humanSeen, reg: { ...sampleHumanEatClaims.reg, subjects: [] } };
  const binding = { key: holder, audience: AUDITOR, nonce: NONCE, iat: SAMPLE_NOW - 10 };
  const kbOptions = { role: 'market_surveillance', audience: AUDITOR, nonce: NONCE, key_binding_required: true };
  const plainHuman = eat.sign(sampleHumanEatClaims, domain);
  const otherIssuance = issueEat(gdprOnly, domain, { random: random('other') });
  return [
    v(
      'eat-issued-sd-cwt',
      'An issued EAT as the log holds it (§3.3, §13 vector 26): subjects redacted one by one, decoys, sd_alg, vct; no disclosures, so an auditor sees no subject.',
      'au-sd',
      cose(gdpr.token),
      {},
      outcome({ ...gdprOnly, reg: { ...gdprRegSeen, subjects: [] } }, []),
    ),
    v(
      'sd-disclose-gdpr-auditor',
      'What a gdpr_auditor is shown of a GDPR record (§4.3, §13 vector 28): nothing redacted, since it may not see the subjects.',
      'au-sd',
      cose(presentEat(gdpr, { role: 'gdpr_auditor' })),
      { role: 'gdpr_auditor' },
      outcome({ ...gdprOnly, reg: { ...gdprRegSeen, subjects: [] } }, []),
    ),
    v(
      'sd-disclose-dpo',
      'What the data protection officer is shown of the same record: both subjects (§4.2).',
      'au-sd',
      cose(presentEat(gdpr, { role: 'dpo' })),
      { role: 'dpo' },
      outcome(gdprOnly, ['reg.subjects', 'reg.subjects']),
    ),
    v(
      'sd-disclose-hipaa-auditor',
      'A HIPAA record of a human actor shown to a hipaa_auditor: the actor and data categories, not the subject or sub (§3.3, §4.2).',
      'au-sd',
      cose(presentEat(human, { role: 'hipaa_auditor' })),
      { role: 'hipaa_auditor' },
      outcome(hipaaAuditorView, ['actor', 'reg.data_categories']),
    ),
    v(
      'sd-jwt-form',
      'The same presentation as an SD-JWT (§3.4, §13 vector 32).',
      'au-sd',
      { form: 'jose', presentation: presentEatJwt(humanJwt, { role: 'hipaa_auditor' }) },
      { role: 'hipaa_auditor' },
      outcome(hipaaAuditorView, ['actor', 'reg.data_categories']),
    ),
    v(
      'sd-visibility-beyond-role',
      'A privacy officer’s presentation received by a hipaa_auditor: it holds the subject (§4.3).',
      'au-sd',
      cose(presentEat(human, { role: 'privacy_officer' })),
      { role: 'hipaa_auditor' },
      invalid('ERR_AU_VISIBILITY'),
    ),
    v(
      'sd-disclosure-digest-mismatch',
      'A disclosure of another issuance of the same record: it matches no blinded claim hash (§13 vector 29).',
      'au-sd',
      cose(presentSdCwt(gdpr.token, [otherIssuance.disclosures[0]!.disclosure])),
      {},
      invalid('ERR_AU_DISCLOSURE_INVALID'),
    ),
    v(
      'sd-duplicate-disclosure',
      'The same disclosure twice (§13 vector 30).',
      'au-sd',
      cose(presentSdCwt(gdpr.token, [gdpr.disclosures[0]!.disclosure, gdpr.disclosures[0]!.disclosure])),
      {},
      invalid('ERR_AU_DISCLOSURE_DUPLICATE'),
    ),
    v(
      'sd-kbt-valid',
      'A Key Binding Token for a market surveillance authority, whose role the EU AI Act profile requires it for (§3.3).',
      'au-sd',
      cose(presentEat(agent, { role: 'market_surveillance' }, binding)),
      kbOptions,
      outcome({ ...sampleEatClaims, reg: { ...sampleEatClaims.reg, subjects: [] } }, [], true),
    ),
    v(
      'sd-kbt-wrong-nonce',
      'The same Key Binding Token checked against another nonce (§13 vector 31).',
      'au-sd',
      cose(presentEat(agent, { role: 'market_surveillance' }, binding)),
      { ...kbOptions, nonce: 'n-other' },
      invalid('ERR_AU_KEY_BINDING'),
    ),
    v(
      'sd-kbt-missing',
      'A presentation without the Key Binding Token the role requires.',
      'au-sd',
      cose(presentSdCwt(agent.token, [])),
      kbOptions,
      invalid('ERR_AU_KEY_BINDING'),
    ),
    v(
      'profile-subject-in-clear',
      'An EAT of a human actor signed with every claim in clear: its subjects, actor and sub must be redacted (§3.3, §13 vector 34).',
      'au-sd',
      cose(plainHuman),
      {},
      invalid('ERR_AU_NOT_REDACTED'),
    ),
    v(
      'sd-cwt-not-an-eat',
      'An SD-CWT whose vct is not the EAT’s (§3.5).',
      'au-sd',
      cose(otherSdCwt()),
      {},
      invalid('ERR_MESSAGE_TYPE_UNKNOWN'),
    ),
  ];
}

function profileVectors(): Vector[] {
  const { subjects: _s, ...withoutSubjects } = sampleHumanEatClaims.reg;
  const reg = sampleEatClaims.reg;
  const sox = builtinProfiles().ref('sox-404');
  return [
    v(
      'profile-gdpr-ai-act',
      'A record under GDPR and the EU AI Act: the retention (the larger minimum, GDPR’s maximum, law) and what is redacted (§4.1).',
      'au-profile',
      { record: sampleEatClaims },
      {},
      { result: 'valid', retention: { min_days: 183, max_days: 1095, basis: 'law' }, redact: ['reg.subjects[]'] },
    ),
    v(
      'profile-human-hipaa',
      'A HIPAA record of a human actor: actor, sub, the sensitive data categories and every subject are redacted (§3.3).',
      'au-profile',
      { record: sampleHumanEatClaims },
      {},
      {
        result: 'valid',
        retention: { min_days: 2190, basis: 'profile' },
        redact: ['actor', 'reg.data_categories', 'reg.subjects[]', 'sub'],
      },
    ),
    v(
      'profile-missing-field',
      'A HIPAA record without reg.subjects (§13 vector 33).',
      'au-profile',
      { record: { ...sampleHumanEatClaims, reg: withoutSubjects } },
      {},
      invalid('ERR_AU_FIELD_MISSING'),
    ),
    v(
      'profile-retention-conflict',
      'GDPR’s maximum of 1,095 days below SOX’s minimum of 2,555 for the same class (§13 vector 35).',
      'au-profile',
      { record: { ...sampleEatClaims, reg: { ...reg, profiles: [reg.profiles[0]!, sox] } } },
      {},
      invalid('ERR_AU_PROFILE_INVALID'),
    ),
    v(
      'profile-unknown-digest',
      'A record naming a profile version with another digest (§4.1).',
      'au-profile',
      { record: { ...sampleEatClaims, reg: { ...reg, profiles: [{ ...sox, digest: reg.profiles[0]!.digest }] } } },
      {},
      invalid('ERR_AU_PROFILE_UNKNOWN'),
    ),
  ];
}

/** An SD-CWT of the EAT's claims under another `vct`. */
function otherSdCwt(): Uint8Array {
  const claims = eat.toCbor(eat.parse(gdprOnly));
  claims.set(11, utf8('urn:example:another-credential'));
  return issueSdCwt(claims, domain, { labels: EAT_SD_LABELS, redact: [], random: seededRandom('other-vct') }).issued;
}

/** The `message-verify` vectors of the EAT with nothing redacted, in both forms. */
function messageVectors(): Vector[] {
  const cases: MessageCase[] = [
    validCose(eat, eat.parse(sampleEatClaims), domain, {
      id: 'eat-cose-clear',
      description: 'An EAT of an agent’s action with nothing redacted, as a plain SD-CWT (cross-domain-audit.md §3).',
    }),
    validJws(eat, eat.parse(sampleEatClaims), domain, {
      id: 'eat-jwt-clear',
      description: 'The same EAT in JWT form (§3.4).',
    }),
  ];
  return cases.map((c) => messageVerifyVector(PACKAGE, c));
}

/** Every vector of this file. */
export function crossDomainAuditDisclosureVectors(): Vector[] {
  return [...digestVectors(), ...presentationVectors(), ...profileVectors(), ...messageVectors()];
}

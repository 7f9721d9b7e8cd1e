/**
 * The Execution Audit Token with selective disclosure (spec §3.3, §3.4, §4.3): issued with the redactions its
 * profiles require, presented per auditor role, verified in both forms.
 */
import {
  decodeCbor,
  decodeSign1,
  fixedClock,
  type KeyRequest,
  type KeyResolver,
  publicKeyOf,
  Simple,
  seededRandom,
  singleKey,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import {
  issueEat,
  issueEatJwt,
  presentEat,
  presentEatJwt,
  presentSdCwt,
  sdCwtIssuedForm,
  verifyEat,
  verifyEatJwt,
} from '../../src/index.js';
import { EAT_SAMPLE_KEYS, SAMPLE_NOW, sampleEatClaims, sampleHumanEatClaims } from '../../src/testing.js';

const clock = fixedClock(SAMPLE_NOW * 1000);
const key = publicKeyOf(EAT_SAMPLE_KEYS.domain);
const random = () => seededRandom('eat-tests');

describe('issuing an EAT', () => {
  const issued = issueEat(sampleEatClaims, EAT_SAMPLE_KEYS.domain, { random: random() });

  it('blinds every subject separately and adds decoys, with sd_alg protected and no sd_claims', () => {
    expect(issued.disclosures.map((d) => [d.path, d.element])).toEqual([
      ['reg.subjects', true],
      ['reg.subjects', true],
    ]);
    const sign1 = decodeSign1(issued.token);
    expect(sign1.protectedHeader.get(16)).toBe('application/sd-cwt');
    expect(sign1.protectedHeader.get(170)).toBe(-16);
    expect(sign1.unprotectedHeader.size).toBe(0);
    const payload = decodeCbor(sign1.payload!) as Map<unknown, unknown>;
    const reg = payload.get('reg') as Map<unknown, unknown>;
    const subjects = reg.get('subjects') as { tag: number }[];
    expect(subjects.map((s) => s.tag)).toEqual([60, 60]);
    // The subjects are each one element, with no map redactions in reg: no simple(59) there.
    expect([...reg.keys()].some((k) => k instanceof Simple)).toBe(false);
    // No subject's pseudonym is in the signed payload.
    const hex = Buffer.from(sign1.payload!).toString('hex');
    for (const s of sampleEatClaims.reg.subjects!)
      expect(hex).not.toContain(Buffer.from(s, 'base64url').toString('hex'));
  });

  it('redacts actor and sub of a human actor, with 1 to 3 decoys beside them', () => {
    const human = issueEat(sampleHumanEatClaims, EAT_SAMPLE_KEYS.domain, { random: random() });
    expect(human.disclosures.map((d) => d.path).sort()).toEqual([
      'actor',
      'reg.data_categories',
      'reg.subjects',
      'sub',
    ]);
    const payload = decodeCbor(decodeSign1(human.token).payload!) as Map<unknown, unknown>;
    expect(payload.has(2)).toBe(false);
    expect(payload.has('actor')).toBe(false);
    const top = [...payload.entries()].find(([k]) => k instanceof Simple)![1] as unknown[];
    // actor and sub, plus 1 to 3 decoys.
    expect(top.length).toBeGreaterThanOrEqual(3);
    expect(top.length).toBeLessThanOrEqual(5);
  });

  it('refuses a record missing a field its profiles require, naming every missing path', () => {
    const { controller: _c, purpose: _p, ...reg } = sampleEatClaims.reg;
    expect(() => issueEat({ ...sampleEatClaims, reg }, EAT_SAMPLE_KEYS.domain)).toThrow(
      expect.objectContaining({
        code: 'ERR_AU_FIELD_MISSING',
        message: expect.stringMatching(/reg\.controller, reg\.purpose/),
      }),
    );
  });

  it('refuses a profile reference with another digest, and conflicting retention', () => {
    const ref = { ...sampleEatClaims.reg.profiles[0]!, digest: sampleEatClaims.ect.digest };
    expect(() =>
      issueEat({ ...sampleEatClaims, reg: { ...sampleEatClaims.reg, profiles: [ref] } }, EAT_SAMPLE_KEYS.domain),
    ).toThrow(expect.objectContaining({ code: 'ERR_AU_PROFILE_UNKNOWN' }));
  });
});

describe('presenting and verifying per role', () => {
  const human = issueEat(sampleHumanEatClaims, EAT_SAMPLE_KEYS.domain, { random: random() });

  it('a hipaa_auditor sees the actor and data categories but no subject', async () => {
    const presented = presentEat(human, { role: 'hipaa_auditor' });
    const r = await verifyEat(presented, { key, role: 'hipaa_auditor', clock });
    expect(r.ok && r.claims.actor).toEqual(sampleHumanEatClaims.actor);
    expect(r.ok && r.claims.reg.data_categories).toEqual(['prescription']);
    expect(r.ok && r.claims.reg.subjects).toEqual([]);
    expect(r.ok && r.claims.sub).toBeUndefined();
    // The issuer part of the presentation is byte for byte the issued token the log holds.
    expect(r.ok && r.issued).toEqual(human.token);
    expect(sdCwtIssuedForm(presented)).toEqual(human.token);
  });

  it('a privacy_officer sees everything', async () => {
    const r = await verifyEat(presentEat(human, { role: 'privacy_officer' }), { key, role: 'privacy_officer', clock });
    expect(r.ok && r.claims).toEqual(sampleHumanEatClaims);
  });

  it('asked for a field beyond the role, the domain refuses; an auditor given one refuses it', async () => {
    expect(() => presentEat(human, { role: 'hipaa_auditor', fields: ['reg.subjects'] })).toThrow(
      expect.objectContaining({ code: 'ERR_AU_VISIBILITY' }),
    );
    const all = presentEat(human, { role: 'privacy_officer' });
    const r = await verifyEat(all, { key, role: 'hipaa_auditor', clock });
    expect(!r.ok && r.error.code).toBe('ERR_AU_VISIBILITY');
  });

  it('a role only some of the record’s profiles define sees nothing redacted (the intersection, spec §4.3)', async () => {
    const gdprAndAiAct = issueEat(sampleEatClaims, EAT_SAMPLE_KEYS.domain, { random: random() });
    expect(() => presentEat(gdprAndAiAct, { role: 'dpo', fields: ['reg.subjects'] })).toThrow(
      expect.objectContaining({ code: 'ERR_AU_VISIBILITY' }),
    );
    const r = await verifyEat(presentEat(gdprAndAiAct, { role: 'dpo' }), { key, role: 'dpo', clock });
    expect(r.ok && r.disclosed).toEqual([]);
  });

  it('an unknown role sees nothing redacted', async () => {
    const r = await verifyEat(presentEat(human, { role: 'nobody' }), { key, role: 'nobody', clock });
    expect(r.ok && r.disclosed).toEqual([]);
  });

  it('a field that must be redacted but is in clear is refused', async () => {
    const plain = (await import('../../src/messages/eat.js')).eat.sign(sampleHumanEatClaims, EAT_SAMPLE_KEYS.domain);
    const r = await verifyEat(plain, { key, clock });
    expect(!r.ok && r.error.code).toBe('ERR_AU_NOT_REDACTED');
  });
});

describe('key binding', () => {
  const issued = issueEat(sampleEatClaims, EAT_SAMPLE_KEYS.domain, { random: random() });
  const auditor = 'https://market-surveillance.example';
  const binding = { key: EAT_SAMPLE_KEYS.holder, audience: auditor, nonce: 'n-7f3a', iat: SAMPLE_NOW };
  const expected = { required: true, audience: auditor, nonce: 'n-7f3a' };

  it('a role whose profile demands it gets a Key Binding Token, checked for audience, nonce and age', async () => {
    const role = 'market_surveillance';
    const bound = presentEat(issued, { role }, binding);
    expect(decodeSign1(bound).protectedHeader.get(16)).toBe('application/kb+cwt');
    const ok = await verifyEat(bound, { key, role, keyBinding: expected, clock });
    expect(ok.ok && ok.keyBound).toBe(true);
    // The domain does not send the role an unbound presentation; one made anyway is refused by the auditor.
    expect(() => presentEat(issued, { role })).toThrow(expect.objectContaining({ code: 'ERR_AU_KEY_BINDING' }));
    const unbound = await verifyEat(presentSdCwt(issued.token, []), { key, role, keyBinding: expected, clock });
    expect(!unbound.ok && unbound.error.code).toBe('ERR_AU_KEY_BINDING');
    for (const wrong of [{ nonce: 'n-other' }, { audience: 'https://elsewhere.example' }]) {
      const r = await verifyEat(bound, { key, role, keyBinding: { ...expected, ...wrong }, clock });
      expect(!r.ok && r.error.code).toBe('ERR_AU_KEY_BINDING');
    }
    const late = await verifyEat(bound, {
      key,
      role,
      keyBinding: expected,
      clock: fixedClock((SAMPLE_NOW + 301) * 1000),
    });
    expect(!late.ok && late.error.code).toBe('ERR_AU_KEY_BINDING');
    const byStranger = presentEat(issued, { role }, { ...binding, key: EAT_SAMPLE_KEYS.domain });
    const r = await verifyEat(byStranger, { key, role, keyBinding: expected, clock });
    expect(!r.ok && r.error.code).toBe('ERR_AU_KEY_BINDING');
  });
});

describe('the JOSE form', () => {
  it('issues, presents per role and verifies the same claims', async () => {
    const issued = await issueEatJwt(sampleHumanEatClaims, EAT_SAMPLE_KEYS.domain, { random: random() });
    expect(issued.token.split('.')).toHaveLength(3);
    const presented = await presentEatJwt(issued, { role: 'hipaa_auditor' });
    const r = await verifyEatJwt(presented, { key, role: 'hipaa_auditor', clock });
    expect(r.ok && r.claims.actor).toEqual(sampleHumanEatClaims.actor);
    expect(r.ok && r.claims.reg.subjects).toEqual([]);
    const officer = await verifyEatJwt(await presentEatJwt(issued, { role: 'privacy_officer' }), { key, clock });
    expect(officer.ok && officer.claims).toEqual(sampleHumanEatClaims);
  });

  it('hands a key resolver the token’s typ, as RFC 7515 compares it (core.md §5.7)', async () => {
    const issued = await issueEatJwt(sampleEatClaims, EAT_SAMPLE_KEYS.domain, { random: random() });
    const asked: KeyRequest[] = [];
    const resolver: KeyResolver = {
      resolve: (r) => {
        asked.push(r);
        return singleKey(key).resolve(r);
      },
    };
    const r = await verifyEatJwt(await presentEatJwt(issued, { role: 'privacy_officer' }), { key: resolver, clock });
    expect(r.ok).toBe(true);
    expect(asked.map((a) => a.typ)).toEqual(['au-eat+sd-jwt']);
  });

  it('key-binds with a KB-JWT whose sd_hash covers the presentation', async () => {
    const issued = await issueEatJwt(sampleHumanEatClaims, EAT_SAMPLE_KEYS.domain, { random: random() });
    const binding = { key: EAT_SAMPLE_KEYS.holder, audience: 'a', nonce: 'n', iat: SAMPLE_NOW };
    const presented = await presentEatJwt(issued, { role: 'privacy_officer' }, binding);
    const expected = { required: true, audience: 'a', nonce: 'n' };
    const ok = await verifyEatJwt(presented, { key, keyBinding: expected, clock });
    expect(ok.ok && ok.keyBound).toBe(true);
    // A disclosure dropped after binding: sd_hash no longer matches.
    const parts = presented.split('~');
    const dropped = [parts[0], ...parts.slice(2)].join('~');
    const r = await verifyEatJwt(dropped, { key, keyBinding: expected, clock });
    expect(!r.ok && r.error.code).toBe('ERR_AU_KEY_BINDING');
  });
});
